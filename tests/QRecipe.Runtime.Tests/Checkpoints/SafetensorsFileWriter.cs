using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>Writes safetensors files for tests: float32 tensors in the given order, or a header given as JSON text (for
/// malformed-header tests).</summary>
internal static class SafetensorsFileWriter
{
    public static void Write(string path, string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        stream.Write(new byte[dataBytes]);
    }

    public static void WriteF32(string path, IReadOnlyList<(string Name, int[] Shape, float[] Values)> tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            var end = offset + 4L * values.Length;
            header.Append(header.Length > 1 ? "," : "").Append($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        var text = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)text.Length));
        stream.Write(text);
        foreach (var (_, _, values) in tensors)
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
