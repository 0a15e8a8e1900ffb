using System;
using System.IO;
using System.Text;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>Writes a safetensors file with a header given as JSON text, for malformed-header tests.</summary>
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
}
