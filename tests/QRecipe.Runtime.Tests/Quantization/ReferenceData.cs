using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>Reads the golden arrays written by Data/make_quant_reference.py (JSON index + little-endian blob).</summary>
internal static class ReferenceData
{
    private static readonly Lazy<(Dictionary<string, JsonElement> Index, byte[] Blob)> Data = new(Load);

    public static float[] F32(string name) => MemoryMarshal.Cast<byte, float>(Slice(name, "f32", 4)).ToArray();

    public static double[] F64(string name) => MemoryMarshal.Cast<byte, double>(Slice(name, "f64", 8)).ToArray();

    public static int[] Shape(string name)
    {
        var shape = Data.Value.Index[name].GetProperty("shape");
        var result = new int[shape.GetArrayLength()];
        for (var i = 0; i < result.Length; i++) result[i] = shape[i].GetInt32();
        return result;
    }

    private static ReadOnlySpan<byte> Slice(string name, string dtype, int size)
    {
        var entry = Data.Value.Index[name];
        Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
        var count = 1;
        foreach (var d in entry.GetProperty("shape").EnumerateArray()) count *= d.GetInt32();
        return Data.Value.Blob.AsSpan(entry.GetProperty("offset").GetInt32(), count * size);
    }

    private static (Dictionary<string, JsonElement>, byte[]) Load()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Quantization", "Data");
        var index = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine(dir, "quant_reference.json")))!;
        return (index, File.ReadAllBytes(Path.Combine(dir, "quant_reference.bin")));
    }
}
