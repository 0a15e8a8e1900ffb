using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Positional and timestep embeddings against Tensors/Golden/embeddings.json (made once by make_embeddings.py
/// with PyTorch) and against values of docs/dit.md's formulas computed independently in float64. Bounds: positional 1e-7 absolute (float64 math rounded
/// once to float32); timestep 2e-6 + 2·2^-24·|t·f_k| absolute: float32 cos/sin are within a few ulp, and the float32
/// frequency f_k (rounded by our exp and PyTorch's, which may differ by an ulp) is multiplied by t up to 999, which
/// scales that ulp in the argument.</summary>
public sealed class EmbeddingTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Tensors", "Golden", "embeddings.json"))).RootElement;

    [Fact]
    public void Positional_embedding_matches_the_golden_file()
    {
        foreach (var entry in Golden.GetProperty("positional").EnumerateArray())
        {
            var grid = entry.GetProperty("grid").GetInt32();
            var width = entry.GetProperty("width").GetInt32();
            using var table = Tensor.Empty(grid * grid, width);
            CpuBackend.Instance.SinCosPositionalEmbedding(grid, table);
            AssertNear(Values(entry), table.ToArray<float>(), Enumerable.Repeat(1e-7, grid * grid * width).ToArray(), $"positional G={grid} D={width}");
        }
    }

    [Fact]
    public void Timestep_embedding_matches_the_golden_file()
    {
        var steps = Golden.GetProperty("timesteps").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using var t = Tensor.From(steps, steps.Length);
        foreach (var entry in Golden.GetProperty("timestep").EnumerateArray())
        {
            var width = entry.GetProperty("width").GetInt32();
            using var emb = Tensor.Empty(steps.Length, width);
            CpuBackend.Instance.TimestepEmbedding(t, emb);
            var half = width / 2;
            var bounds = Enumerable.Range(0, steps.Length * width)
                .Select(i => 2e-6 + 2.0 / (1 << 24) * Math.Abs(steps[i / width] * Math.Exp(-Math.Log(10000) * (i % width % Math.Max(half, 1)) / half)))
                .ToArray();
            AssertNear(Values(entry), emb.ToArray<float>(), bounds, $"timestep F={width}");
        }
    }

    [Fact]
    public void Timestep_features_and_positional_table_match_float64_values()
    {
        using var t = Tensor.From(new[] { 999f }, 1);
        using var emb = Tensor.Empty(1, 256);
        CpuBackend.Instance.TimestepEmbedding(t, emb);
        Assert.Equal(0.9996498529808264, emb.AsSpan<float>()[0], 6);
        Assert.Equal(-0.026460752737064126, emb.AsSpan<float>()[128], 6);

        // omega[1] = 0.96852561… for D = 1152: column 1 of token (row 0, column 1) is sin(1·omega[1]).
        using var pos = Tensor.Empty(4, 1152);
        CpuBackend.Instance.SinCosPositionalEmbedding(2, pos);
        Assert.Equal(Math.Sin(0.9685256148599344), pos.AsSpan<float>()[1152 + 1], 7);
        Assert.Equal(Math.Cos(1.0324972150009859e-4), pos.AsSpan<float>()[2 * 1152 + 576 + 288 + 287], 7);
    }

    [Fact]
    public void Timestep_embedding_refuses_a_row_count_other_than_the_timesteps()
    {
        using var t = Tensor.Empty(3);
        using var emb = Tensor.Empty(2, 8);
        var error = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.TimestepEmbedding(t, emb));
        Assert.Equal("TimestepEmbedding: shapes [3] and [2, 8] do not match (expected timesteps [N] and output [N, F])", error.Message);
    }

    private static float[] Values(JsonElement entry) => entry.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static void AssertNear(float[] expected, float[] actual, double[] tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, golden {expected[i]:R}");
        }
    }
}
