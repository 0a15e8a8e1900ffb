using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// Reads a .safetensors file (docs/checkpoints.md): an 8-byte little-endian header length, a JSON header mapping each name
/// to dtype, shape and [begin, end) data offsets relative to the end of the header, then the raw little-endian
/// data, which stays memory-mapped. Every header field is checked before any tensor byte is touched. An exported
/// quantized model (docs/export-model.md) is read with <c>packedModel</c>: U8 tensors are then allowed and
/// <c>__metadata__</c> must be an object of strings, which is returned.
/// </summary>
internal static class SafetensorsReader
{
    // The format's own limit; it also bounds the one allocation the header needs.
    private const long MaxHeaderLength = 100_000_000;

    private static readonly HashSet<string> UnsupportedDTypes = new(StringComparer.Ordinal)
    {
        "F64", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2", "C64",
    };

    /// <summary>Metadata keys and values are short texts; the recipe text (at most 1 MiB) is the longest.</summary>
    private const int MaxMetadataEntries = 1000;

    private readonly record struct Declared(string Name, CheckpointDType DType, int[] Shape, long Begin, long End);

    public static StateDict Read(MappedFile file) => Read(file, packedModel: false).Tensors;

    public static (StateDict Tensors, IReadOnlyDictionary<string, string> Metadata) Read(MappedFile file, bool packedModel)
    {
        ulong headerLength = file.UInt64(0, "the safetensors header length");
        if (headerLength > MaxHeaderLength || (long)headerLength > file.Length - 8)
            throw new CheckpointException(file.DisplayName,
                $"the safetensors header length is {headerLength} bytes but the file has only {file.Length - 8} bytes after it (truncated or not a safetensors file)");
        long dataStart = 8 + (long)headerLength;
        long dataLength = file.Length - dataStart;

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var declared = ParseHeader(file, file.Bytes(8, (int)headerLength, "the safetensors header").ToArray(), packedModel ? metadata : null);
        CheckOffsets(file, declared, dataLength);
        return (new StateDict(file.DisplayName, declared.Select(d => MappedTensorEntry.Create(
            d.Name, d.DType, d.Shape, file, dataStart + d.Begin, (d.End - d.Begin) / d.DType.ElementSize(), 0,
            MappedTensorEntry.ContiguousStrides(d.Shape), bigEndian: false))), metadata);
    }

    /// <param name="metadata">Filled from <c>__metadata__</c> when given (packed models; bytes allowed); null for
    /// checkpoints, which ignore it.</param>
    private static List<Declared> ParseHeader(MappedFile file, byte[] header, Dictionary<string, string>? metadata)
    {
        // Format detection saw '{' first, so a document that parses is an object.
        try
        {
            Checkpoint.CheckTensorCount(file, CountEntries(header));
            using var document = JsonDocument.Parse(header);
            var declared = new List<Declared>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "__metadata__")
                    declared.Add(ParseTensor(file, property.Name, property.Value, allowBytes: metadata is not null));
                else if (metadata is not null)
                    ParseMetadata(file, property.Value, metadata);
            }
            return declared;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a name or string that is not valid UTF-8, found only when it is read.
            throw new CheckpointException(file.DisplayName, $"the safetensors header is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The header's tensor entries, counted by a forward-only reader before the document is built (a
    /// document of a 100 MB header takes several times that).</summary>
    private static long CountEntries(byte[] header)
    {
        var reader = new Utf8JsonReader(header);
        long count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && !reader.ValueTextEquals("__metadata__"u8))
                count++;
        }
        return count;
    }

    private static void ParseMetadata(MappedFile file, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(file.DisplayName, $"the safetensors __metadata__ must be an object of strings, got {SafeText.Escape(value.GetRawText(), 100)}");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(file.DisplayName, $"the safetensors __metadata__ entry {SafeText.Quote(entry.Name)} must be a string, got {SafeText.Escape(entry.Value.GetRawText(), 100)}");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new CheckpointException(file.DisplayName, $"the safetensors __metadata__ has the key {SafeText.Quote(entry.Name)} twice");
            if (metadata.Count > MaxMetadataEntries)
                throw new CheckpointException(file.DisplayName, $"the safetensors __metadata__ has more than {MaxMetadataEntries} entries");
        }
    }

    private static Declared ParseTensor(MappedFile file, string name, JsonElement value, bool allowBytes)
    {
        CheckpointException Bad(string problem) => new(file.DisplayName, $"safetensors header entry {SafeText.Quote(name)}: {problem}");
        static string Raw(JsonElement element) => SafeText.Escape(element.GetRawText(), 100);

        if (value.ValueKind != JsonValueKind.Object)
            throw Bad($"must be an object with dtype, shape and data_offsets, got {Raw(value)}");
        if (!value.TryGetProperty("dtype", out var dtypeText))
            throw Bad("has no dtype");
        if (dtypeText.ValueKind != JsonValueKind.String)
            throw Bad($"dtype must be a string (F32, F16 or BF16), got {Raw(dtypeText)}");
        string dtypeName = dtypeText.GetString()!;
        CheckpointDType dtype = dtypeName switch
        {
            "F32" => CheckpointDType.Float32,
            "F16" => CheckpointDType.Float16,
            "BF16" => CheckpointDType.BFloat16,
            "U8" when allowBytes => CheckpointDType.UInt8,
            _ when UnsupportedDTypes.Contains(dtypeName) => throw Bad($"dtype {dtypeName} is not supported (only F32, F16 and BF16)"),
            _ => throw Bad($"unknown dtype '{SafeText.Escape(dtypeName, 40)}'"),
        };
        var shape = Integers(value, "shape", int.MaxValue)
            ?? throw Bad(value.TryGetProperty("shape", out var s) ? $"shape must be an array of whole numbers in 0..{int.MaxValue}, got {Raw(s)}" : "has no shape");
        var offsets = Integers(value, "data_offsets", long.MaxValue);
        if (offsets is not { Length: 2 } || offsets[0] > offsets[1])
            throw Bad(value.TryGetProperty("data_offsets", out var o)
                ? $"data_offsets must be two whole numbers [begin, end] with begin <= end, got {Raw(o)}"
                : "has no data_offsets");

        var dims = shape.Select(d => (int)d).ToArray();
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (product, dim) => product * dim) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Bad($"shape {CheckpointEntry.FormatShape(dims)} is too large");
        }
        if (offsets[1] - offsets[0] != bytes)
            throw Bad($"shape {CheckpointEntry.FormatShape(dims)} of {dtypeName} needs {bytes} bytes but data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}");
        return new Declared(name, dtype, dims, offsets[0], offsets[1]);
    }

    private static long[]? Integers(JsonElement owner, string property, long max)
    {
        if (!owner.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            return null;
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0 || v > max)
                return null;
            values[i++] = v;
        }
        return values;
    }

    private static void CheckOffsets(MappedFile file, List<Declared> declared, long dataLength)
    {
        Declared? previous = null;
        foreach (var d in declared.OrderBy(d => d.Begin).ThenBy(d => d.End))
        {
            if (d.End > dataLength)
                throw new CheckpointException(file.DisplayName,
                    $"tensor {SafeText.Quote(d.Name)} has data_offsets [{d.Begin}, {d.End}] but the data section has only {dataLength} bytes (truncated file?)");
            if (previous is { } p && d.Begin < p.End && d.End > d.Begin)
                throw new CheckpointException(file.DisplayName,
                    $"tensors {SafeText.Quote(p.Name)} [{p.Begin}, {p.End}] and {SafeText.Quote(d.Name)} [{d.Begin}, {d.End}] overlap in the data section");
            if (d.End > d.Begin)
                previous = d;
        }
    }
}
