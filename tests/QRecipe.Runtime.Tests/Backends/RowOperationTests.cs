using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// Softmax, LayerNorm, GELU and SiLU against float64 references. Bounds (relative to |reference|, plus a small absolute
/// floor): softmax 2e-6·|y| + 1e-8 (a float32 exp is within a few ulp and the row sum adds ~width·u in the worst case,
/// below 1e-4 for width 1155, but pairwise-like vector sums stay near 1e-6); LayerNorm 1e-5·|y| + 1e-5 (mean and
/// variance are float32 sums); GELU and SiLU 1e-5·|y| + 1e-7 (exp and one division).
/// </summary>
public sealed class RowOperationTests
{
    private static readonly int[] Widths = [1, 7, 16, 33, 1155];

    [Fact]
    public void Softmax_matches_the_reference()
    {
        foreach (var w in Widths)
        {
            foreach (var range in new[] { 5f, 1e4f })
            {
                using var x = TestData.Uniform(w, range, 3, 5, w);
                using var y = Tensor.Empty(3, 5, w);
                CpuBackend.Instance.Softmax(x, y);
                var input = TestData.ToDouble(x);
                var expected = new double[input.Length];
                for (var r = 0; r < 15; r++)
                {
                    var row = input.AsSpan(r * w, w);
                    var max = double.NegativeInfinity;
                    foreach (var v in row)
                        max = Math.Max(max, v);
                    var sum = 0.0;
                    foreach (var v in row)
                        sum += Math.Exp(v - max);
                    for (var i = 0; i < w; i++)
                        expected[r * w + i] = Math.Exp(row[i] - max) / sum;
                }

                TestData.AssertClose(expected, y.AsSpan<float>(), range > 100 ? 1e-4 : 2e-6, 1e-8, $"softmax width {w} range {range}");
            }
        }
    }

    [Fact]
    public void LayerNorm_matches_the_reference_and_survives_large_inputs()
    {
        foreach (var w in Widths[1..])
        {
            foreach (var (range, offset) in new[] { (3f, 0f), (1e4f, 0f), (1f, 1e3f) })
            {
                using var x = TestData.Uniform(w + 1, range, 4, w);
                var span = x.AsSpan<float>();
                for (var i = 0; i < span.Length; i++)
                    span[i] += offset;
                using var y = Tensor.Empty(4, w);
                CpuBackend.Instance.LayerNorm(x, y);
                var input = TestData.ToDouble(x);
                var expected = new double[input.Length];
                for (var r = 0; r < 4; r++)
                {
                    var row = input.AsSpan(r * w, w);
                    double mean = 0, variance = 0;
                    foreach (var v in row)
                        mean += v / w;
                    foreach (var v in row)
                        variance += (v - mean) * (v - mean) / w;
                    for (var i = 0; i < w; i++)
                        expected[r * w + i] = (row[i] - mean) / Math.Sqrt(variance + 1e-6);
                }

                // An offset of 1e3 on unit-range data loses ~1e3·u of each value's precision to the float32 input itself.
                TestData.AssertClose(expected, y.AsSpan<float>(), 1e-5, offset > 0 ? 2e-3 : 1e-5, $"layernorm width {w} range {range} offset {offset}");
            }
        }
    }

    [Fact]
    public void LayerNorm_of_a_constant_row_is_zero_not_nan()
    {
        using var x = Tensor.From(new[] { 1e4f, 1e4f, 1e4f, 1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f }, 1, 9);
        using var y = Tensor.Empty(1, 9);
        CpuBackend.Instance.LayerNorm(x, y);
        foreach (var v in y.AsSpan<float>())
            Assert.True(float.IsFinite(v));
    }

    [Fact]
    public void Gelu_and_silu_match_the_reference_including_large_inputs()
    {
        foreach (var range in new[] { 6f, 1e4f })
        {
            using var x = TestData.Uniform(11, range, 3, 40000 + 13);
            using var gelu = Tensor.Empty(3, 40013);
            using var silu = Tensor.Empty(3, 40013);
            CpuBackend.Instance.Gelu(x, gelu);
            CpuBackend.Instance.Silu(x, silu);
            var input = TestData.ToDouble(x);
            var expectedGelu = Array.ConvertAll(input, v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
            var expectedSilu = Array.ConvertAll(input, v => v / (1 + Math.Exp(-v)));
            TestData.AssertClose(expectedGelu, gelu.AsSpan<float>(), 1e-5, 1e-7, $"gelu range {range}");
            TestData.AssertClose(expectedSilu, silu.AsSpan<float>(), 1e-5, 1e-7, $"silu range {range}");
        }
    }

    [Fact]
    public void Extreme_inputs_give_no_nan()
    {
        var values = new[] { 1e4f, -1e4f, 3e38f, -3e38f, 0f, 1e-30f, -88.8f, 88.8f, 9999f };
        using var x = Tensor.From(values, 1, values.Length);
        using var y = Tensor.Empty(1, values.Length);
        var backend = CpuBackend.Instance;
        foreach (var op in new Action[] { () => backend.Softmax(x, y), () => backend.LayerNorm(x, y), () => backend.Gelu(x, y), () => backend.Silu(x, y) })
        {
            op();
            foreach (var v in y.AsSpan<float>())
                Assert.False(float.IsNaN(v));
        }
    }

    [Fact]
    public void Vector_exp_is_within_2_ulp_over_the_whole_float_range()
    {
        var lanes = System.Numerics.Vector<float>.Count;
        ExpAccuracy.AssertWithin2Ulp(value => QRecipe.Runtime.Backends.Cpu.Ops.VectorExp.Exp(new System.Numerics.Vector<float>(value))[lanes - 1]);
    }

    [Fact]
    public void Operations_may_run_in_place()
    {
        using var x = TestData.Uniform(3, 4f, 2, 50);
        using var copy = Tensor.Empty(2, 50);
        CpuBackend.Instance.Softmax(x, copy);
        CpuBackend.Instance.Softmax(x, x);
        Assert.Equal(copy.ToArray<float>(), x.ToArray<float>());
    }
}
