using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using QRecipe.Language.Text;

namespace QRecipe.Cli.Interop;

/// <summary>Reads and writes SCPrecisionMap JSON. Reading follows scmp's loader (missing fields take the dataclass
/// defaults, missing operators the map defaults) but rejects what scmp silently ignores: unknown operator keys, and
/// more block entries than total_blocks.</summary>
internal static class ScmpJson
{
    private static readonly string[] OperatorFields = { "enabled", "stoc_len", "timewise", "group_stoc_lens" };

    public static ScmpMap Read(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InteropException($"{path}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InteropException($"{path}: an SCPrecisionMap is a JSON object");
            var total = Integer(Required(root, "total_blocks", path), path, "total_blocks");
            var defaultLength = root.TryGetProperty("default_stoc_len", out var d) ? Integer(d, path, "default_stoc_len") : 256;
            var defaultTimewise = root.TryGetProperty("default_timewise", out var t) ? Number(t, path, "default_timewise") : 0.0;
            var blocks = Required(root, "blocks", path);
            if (blocks.ValueKind != JsonValueKind.Array)
                throw new InteropException($"{path}: 'blocks' must be an array");
            if (blocks.GetArrayLength() > total)
                throw new InteropException($"{path}: 'blocks' has {blocks.GetArrayLength()} entries but total_blocks is {total}");
            var result = new List<IReadOnlyDictionary<string, ScmpOperator>>();
            var index = 0;
            foreach (var block in blocks.EnumerateArray())
            {
                result.Add(ReadBlock(block, path, index++));
            }
            return new ScmpMap(total, defaultLength, defaultTimewise, result);
        }
    }

    private static IReadOnlyDictionary<string, ScmpOperator> ReadBlock(JsonElement block, string path, int index)
    {
        if (block.ValueKind != JsonValueKind.Object)
            throw new InteropException($"{path}: blocks[{index}] must be an object");
        var operators = new Dictionary<string, ScmpOperator>();
        var keys = ScmpMap.Keys.Select(k => k.Key).ToArray();
        foreach (var property in block.EnumerateObject())
        {
            if (!keys.Contains(property.Name))
                throw new InteropException($"{path}: unknown operator '{property.Name}' in blocks[{index}]{Suggestions.DidYouMean(property.Name, keys)}; expected one of {string.Join(", ", keys)}");
            var entry = property.Value;
            var where = $"blocks[{index}].{property.Name}";
            foreach (var field in entry.EnumerateObject())
            {
                if (!OperatorFields.Contains(field.Name))
                    throw new InteropException($"{path}: unknown field '{field.Name}' on {where}{Suggestions.DidYouMean(field.Name, OperatorFields)}");
            }
            var enabled = entry.TryGetProperty("enabled", out var e) && e.ValueKind == JsonValueKind.True;
            var length = entry.TryGetProperty("stoc_len", out var l) ? Integer(l, path, where + ".stoc_len") : ScmpMap.FieldDefaultStocLen;
            var timewise = entry.TryGetProperty("timewise", out var tw) ? Number(tw, path, where + ".timewise") : ScmpMap.FieldDefaultTimewise;
            IReadOnlyList<int>? groups = null;
            if (entry.TryGetProperty("group_stoc_lens", out var g) && g.ValueKind != JsonValueKind.Null)
                groups = g.EnumerateArray().Select((x, i) => Integer(x, path, $"{where}.group_stoc_lens[{i}]")).ToArray();
            operators[property.Name] = new ScmpOperator(enabled, length, timewise, groups);
        }
        return operators;
    }

    private static JsonElement Required(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) ? value : throw new InteropException($"{path}: required field '{name}' is missing");

    private static int Integer(JsonElement value, string path, string what) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new InteropException($"{path}: {what} must be a whole number, got {value.GetRawText()}");

    private static double Number(JsonElement value, string path, string what) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new InteropException($"{path}: {what} must be a number, got {value.GetRawText()}");

    /// <summary>Writes the map with every operator of every block spelled out, so no entry depends on scmp's two
    /// different default rules.</summary>
    public static string Write(ScmpMap map)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("total_blocks", map.TotalBlocks);
            writer.WriteNumber("default_stoc_len", map.DefaultStocLen);
            writer.WriteNumber("default_timewise", map.DefaultTimewise);
            writer.WriteStartArray("blocks");
            foreach (var block in map.Blocks)
            {
                writer.WriteStartObject();
                foreach (var (key, _) in ScmpMap.Keys)
                {
                    if (!block.TryGetValue(key, out var entry))
                        continue;
                    writer.WriteStartObject(key);
                    writer.WriteBoolean("enabled", entry.Enabled);
                    writer.WriteNumber("stoc_len", entry.StocLen);
                    writer.WriteNumber("timewise", entry.Timewise);
                    if (entry.GroupStocLens is null)
                        writer.WriteNull("group_stoc_lens");
                    else
                    {
                        writer.WriteStartArray("group_stoc_lens");
                        foreach (var length in entry.GroupStocLens)
                            writer.WriteNumberValue(length);
                        writer.WriteEndArray();
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }
}

/// <summary>A map or recipe that cannot be converted; the message names the file, the entry and the reason.</summary>
internal sealed class InteropException : Exception
{
    public InteropException(string message)
        : base(message)
    {
    }
}
