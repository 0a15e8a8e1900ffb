using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace QRecipe.Runtime.Export;

/// <summary>
/// Collects tensors (F32 or U8, little-endian, row-major) and string metadata and writes them as one .safetensors
/// file: an 8-byte little-endian header length, the JSON header (padded with spaces to a multiple of 8 bytes, so
/// the data section starts aligned), then each tensor's bytes in the order added.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, string DType, int[] Shape, byte[] Data)> _tensors = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public long DataBytes { get; private set; }

    public int TensorCount => _tensors.Count;

    public void AddFloat(string name, float[] values, params int[] shape) =>
        Add(name, "F32", shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length);

    public void AddBytes(string name, byte[] values, params int[] shape) => Add(name, "U8", shape, values, values.Length);

    public void AddMetadata(string key, string value)
    {
        if (!_metadata.TryAdd(key, value))
            throw new ArgumentException($"metadata key '{key}' is set twice", nameof(key));
    }

    private void Add(string name, string dtype, int[] shape, byte[] data, long elements)
    {
        long count = 1;
        foreach (var dim in shape)
            count *= dim;
        if (count != elements)
            throw new ArgumentException($"tensor '{name}' of shape [{string.Join(", ", shape)}] holds {count} values, not {elements}", nameof(shape));
        if (!_names.Add(name))
            throw new ArgumentException($"tensor '{name}' is added twice", nameof(name));
        _tensors.Add((name, dtype, shape, data));
        DataBytes += data.Length;
    }

    public void WriteTo(Stream stream)
    {
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in _metadata)
                json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, dtype, shape, data) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var dim in shape)
                    json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data.Length;
            }
            json.WriteEndObject();
        }
        var padding = (int)((8 - header.Length % 8) % 8);
        header.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var tensor in _tensors)
            stream.Write(tensor.Data);
    }
}
