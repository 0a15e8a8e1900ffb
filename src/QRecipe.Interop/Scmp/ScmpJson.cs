using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using QRecipe.Language.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Scmp;

/// <summary>Reads and writes SCPrecisionMap JSON. Reading follows scmp's loader (missing fields take the dataclass
/// defaults, missing operators the map defaults) but rejects what scmp silently ignores or converts: unknown operator
/// keys, more block entries than total_blocks, a field given twice, and any value of the wrong JSON type (scmp's
/// Python would read "true", 1 or null as a truth value). Errors name the file and the JSON path of the value.</summary>
public static class ScmpJson
{
    /// <summary>The largest map import reads. A DiT-XL/2 map with per-row lengths on every linear operator is about
    /// 5 MB; the limit keeps a wrong file from being read whole.</summary>
    public const long MaxMapBytes = 16L << 20;

    private static readonly string[] OperatorFields = { "enabled", "stoc_len", "timewise", "group_stoc_lens" };

    /// <summary>Reads a map file after checking its size against <see cref="MaxMapBytes"/>; I/O errors propagate.</summary>
    public static ScmpMap ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxMapBytes)
            throw new InteropException($"{path}: the map is {stream.Length} bytes; import reads maps of at most {MaxMapBytes} bytes (16 MiB)");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Read(reader.ReadToEnd(), path);
    }

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
                throw WrongType(path, "$", "an object (an SCPrecisionMap)", root);
            RequireUnique(root, path, "$");
            var total = Integer(Required(root, "total_blocks", path), path, "$.total_blocks");
            var defaultLength = root.TryGetProperty("default_stoc_len", out var d) ? Integer(d, path, "$.default_stoc_len") : 256;
            var defaultTimewise = root.TryGetProperty("default_timewise", out var t) ? Number(t, path, "$.default_timewise") : 0.0;
            var blocks = Required(root, "blocks", path);
            if (blocks.ValueKind != JsonValueKind.Array)
                throw WrongType(path, "$.blocks", "an array of block objects", blocks);
            if (blocks.GetArrayLength() > total)
                throw new InteropException($"{path}: $.blocks has {blocks.GetArrayLength()} entries but total_blocks is {total}");
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
        var where = $"$.blocks[{index}]";
        if (block.ValueKind != JsonValueKind.Object)
            throw WrongType(path, where, "an object of operator entries", block);
        RequireUnique(block, path, where);
        var operators = new Dictionary<string, ScmpOperator>();
        var keys = ScmpMap.Keys.Select(k => k.Key).ToArray();
        foreach (var property in block.EnumerateObject())
        {
            if (!keys.Contains(property.Name))
                throw new InteropException($"{path}: unknown operator {SafeText.Quote(property.Name)} in {where}{Suggestions.DidYouMean(property.Name, keys)}; expected one of {string.Join(", ", keys)}");
            operators[property.Name] = ReadOperator(property.Value, path, $"{where}.{property.Name}");
        }
        return operators;
    }

    private static ScmpOperator ReadOperator(JsonElement entry, string path, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw WrongType(path, where, "an object with enabled, stoc_len, timewise and group_stoc_lens", entry);
        RequireUnique(entry, path, where);
        foreach (var field in entry.EnumerateObject())
        {
            if (!OperatorFields.Contains(field.Name))
                throw new InteropException($"{path}: unknown field {SafeText.Quote(field.Name)} on {where}{Suggestions.DidYouMean(field.Name, OperatorFields)}");
        }
        var enabled = entry.TryGetProperty("enabled", out var e) && Boolean(e, path, where + ".enabled");
        var length = entry.TryGetProperty("stoc_len", out var l) ? Integer(l, path, where + ".stoc_len") : ScmpMap.FieldDefaultStocLen;
        var timewise = entry.TryGetProperty("timewise", out var tw) ? Number(tw, path, where + ".timewise") : ScmpMap.FieldDefaultTimewise;
        IReadOnlyList<int>? groups = null;
        if (entry.TryGetProperty("group_stoc_lens", out var g) && g.ValueKind != JsonValueKind.Null)
        {
            if (g.ValueKind != JsonValueKind.Array)
                throw WrongType(path, where + ".group_stoc_lens", "an array of whole numbers or null", g);
            groups = g.EnumerateArray().Select((x, i) => Integer(x, path, $"{where}.group_stoc_lens[{i}]")).ToArray();
        }
        return new ScmpOperator(enabled, length, timewise, groups);
    }

    /// <summary>JSON allows a name twice in one object and readers then disagree on which value counts.</summary>
    private static void RequireUnique(JsonElement owner, string path, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in owner.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw new InteropException($"{path}: {where} has the field {SafeText.Quote(property.Name)} twice");
        }
    }

    private static JsonElement Required(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) ? value : throw new InteropException($"{path}: required field $.{name} is missing");

    private static bool Boolean(JsonElement value, string path, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw WrongType(path, where, "true or false", value),
    };

    private static int Integer(JsonElement value, string path, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw WrongType(path, where, "a whole number", value);

    private static double Number(JsonElement value, string path, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw WrongType(path, where, "a finite number", value);

    /// <summary><c>FILE: $.blocks[3].qk.enabled must be true or false, got "true" (a string)</c>.</summary>
    private static InteropException WrongType(string path, string where, string expected, JsonElement value) =>
        new($"{path}: {where} must be {expected}, got {SafeText.Escape(value.GetRawText(), 60)}{Kind(value)}");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => " (a string)",
        JsonValueKind.Object => " (an object)",
        JsonValueKind.Array => " (an array)",
        _ => string.Empty,
    };

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
