using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

/// <summary>The committed tiny export (Export/Data, made as make_tiny_checkpoint.py says) read by the runtime against what
/// docs/scripts/read_qrecipe_model.py, a numpy reader written from the format's description, computed from the same
/// file: the C# and Python readers agree.</summary>
public class ExportGoldenTests
{
    [Fact]
    public void The_runtime_reader_dequantizes_every_version_as_the_python_reader_does()
    {
        var text = File.ReadAllText(ExportTestFiles.DataPath("tiny_export.qrecipe"));
        var plan = ExportTestFiles.Compile(text);
        using var model = ExportedModel.Load(ExportTestFiles.DataPath("tiny_export.safetensors"), plan, text, CpuBackend.Instance);
        using var golden = JsonDocument.Parse(File.ReadAllText(ExportTestFiles.DataPath("tiny_export.golden.json")));
        var versions = WeightVersions.Of(plan, model.Weights).Quantized;
        var expected = golden.RootElement.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(versions.Count, expected.Count);
        Assert.Contains(expected, v => v.GetProperty("low_rank").GetBoolean());
        foreach (var entry in expected)
        {
            var version = versions.Single(v => v.Layer.Name == entry.GetProperty("layer").GetString()
                                               && ExportNames.StepRanges(v.Steps) == entry.GetProperty("steps").GetString());
            Assert.Equal(entry.GetProperty("setting").GetString(), version.Setting.ToString());
            var values = model.Quantized.For(version.Layer, version.Setting).ToArray<float>();
            var first = entry.GetProperty("first").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var sum = values.Sum(v => (double)v);
            if (!entry.GetProperty("low_rank").GetBoolean())
            {
                // Codes, scales, zero points and codebook entries reproduce float32 products exactly in both readers.
                Assert.Equal(entry.GetProperty("sha256_f32").GetString(), Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan()))));
                Assert.Equal(first, values.Take(first.Length).Select(v => (double)v));
                continue;
            }
            // Q + L·R: numpy forms L·R in float64 and rounds once, the runtime sums float32 products of rank terms, so
            // each value may differ by a few float32 ulps of values below 1 (rank 2: two roundings of products and sums).
            for (var i = 0; i < first.Length; i++)
                Assert.InRange(values[i] - first[i], -1e-6, 1e-6);
            Assert.InRange(sum - entry.GetProperty("sum").GetDouble(), -1e-4, 1e-4);
        }
    }
}
