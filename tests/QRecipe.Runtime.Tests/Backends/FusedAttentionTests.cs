using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// The CPU backend's fused attention against attention written out in float64 from its definition (docs/dit.md: head
/// h of q, k, v owns channels h·hd.. of the first, second, third D of qkv; softmax(scale·q·kᵀ) over the keys, times v,
/// channel h·hd + j of the merged output). Bound: each output is a convex combination of v's values, so its error is
/// the probabilities' relative error (scores with |s| ≲ 10 rounded over hd products, a 2-ulp exp, a row sum over T
/// terms: ≤ 1e-5 together) times max|v|, plus the float32 sum over T products: 2e-5·max|v| in all. Token counts
/// straddle 16-lane tails and, at 300, two row blocks per head.
/// </summary>
public sealed class FusedAttentionTests
{
    private static double[] Reference(float[] qkv, int n, int heads, int t, int hd, double scale)
    {
        var d = heads * hd;
        var merged = new double[n * t * d];
        var scores = new double[t];
        for (var b = 0; b < n; b++)
        {
            for (var h = 0; h < heads; h++)
            {
                double At(int token, int part, int j) => qkv[(b * t + token) * 3 * d + part * d + h * hd + j];
                for (var i = 0; i < t; i++)
                {
                    var max = double.NegativeInfinity;
                    for (var s = 0; s < t; s++)
                    {
                        var dot = 0.0;
                        for (var j = 0; j < hd; j++)
                            dot += At(i, 0, j) * At(s, 1, j);
                        scores[s] = scale * dot;
                        max = Math.Max(max, scores[s]);
                    }
                    var sum = 0.0;
                    for (var s = 0; s < t; s++)
                    {
                        scores[s] = Math.Exp(scores[s] - max);
                        sum += scores[s];
                    }
                    for (var j = 0; j < hd; j++)
                    {
                        var value = 0.0;
                        for (var s = 0; s < t; s++)
                            value += scores[s] * At(s, 2, j);
                        merged[(b * t + i) * d + h * hd + j] = value / sum;
                    }
                }
            }
        }
        return merged;
    }

    [Theory]
    [InlineData(1, 1, 1, 8)]
    [InlineData(2, 3, 37, 5)]
    [InlineData(1, 2, 17, 16)]
    [InlineData(2, 6, 256, 64)]
    [InlineData(1, 2, 300, 72)]
    public void Fused_attention_matches_the_float64_definition(int n, int heads, int t, int hd)
    {
        var d = heads * hd;
        using var qkv = TestData.Uniform(t * 31 + hd, 2f, n, t, 3 * d);
        using var merged = Tensor.Empty(n, t, d);
        merged.AsSpan<float>().Fill(float.NaN);
        var scale = 1f / MathF.Sqrt(hd);
        Assert.True(CpuBackend.Instance.TryFusedAttention(qkv, heads, scale, merged));
        var expected = Reference(qkv.ToArray<float>(), n, heads, t, hd, scale);
        TestData.AssertClose(expected, merged.AsSpan<float>(), 0, 2e-5 * 2f, $"attention n {n} heads {heads} tokens {t} hd {hd}");
    }

    /// <summary>A float recipe's attention runs step by step when the float model's fuses (or the other way round), and
    /// both must give the same samples: the fused values are the step-by-step ones bit for bit.</summary>
    [Theory]
    [InlineData(2, 3, 37, 5)]
    [InlineData(2, 6, 256, 64)]
    [InlineData(1, 2, 300, 72)]
    public void Fused_attention_equals_the_steps_bit_for_bit(int n, int heads, int t, int hd)
    {
        var backend = CpuBackend.Instance;
        var d = heads * hd;
        using var qkv = TestData.Uniform(t + hd, 3f, n, t, 3 * d);
        using var q = Tensor.Empty(n, heads, t, hd);
        using var k = Tensor.Empty(n, heads, t, hd);
        using var v = Tensor.Empty(n, heads, t, hd);
        using var scores = Tensor.Empty(n, heads, t, t);
        using var outputs = Tensor.Empty(n, heads, t, hd);
        using var steps = Tensor.Empty(n, t, d);
        using var fused = Tensor.Empty(n, t, d);
        var scale = 1f / MathF.Sqrt(hd);
        backend.SplitHeads(qkv, q, k, v);
        backend.BatchedMatMul(q, k, scores, transposeB: true, alpha: scale);
        backend.Softmax(scores, scores);
        backend.BatchedMatMul(scores, v, outputs);
        backend.MergeHeads(outputs, steps);
        Assert.True(backend.TryFusedAttention(qkv, heads, scale, fused));
        Assert.Equal(steps.ToArray<float>(), fused.ToArray<float>());
    }

    /// <summary>One NaN or ±∞ planted in q or k of any token (k's tokens cover a ragged 16-lane tail of the score rows:
    /// 37 = 2·16 + 5) makes the fused call report a non-finite score; one in v reaches the merged output, which the
    /// caller checks.</summary>
    [Fact]
    public void A_non_finite_value_anywhere_in_q_or_k_is_reported_and_one_in_v_reaches_the_output()
    {
        const int n = 2, heads = 3, t = 37, hd = 5, d = heads * hd;
        using var qkv = TestData.Uniform(5, 1f, n, t, 3 * d);
        using var merged = Tensor.Empty(n, t, d);
        var clean = qkv.ToArray<float>();
        Assert.True(CpuBackend.Instance.TryFusedAttention(qkv, heads, 0.5f, merged));
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            for (var part = 0; part < 3; part++)
            {
                for (var token = 0; token < t; token++)
                {
                    var index = ((1 * t) + token) * 3 * d + part * d + 2 * hd + 3;
                    var values = qkv.AsSpan<float>();
                    clean.CopyTo(values);
                    values[index] = bad;
                    if (part < 2)
                        Assert.False(CpuBackend.Instance.TryFusedAttention(qkv, heads, 0.5f, merged), $"{bad} in part {part} at token {token}");
                    else
                        Assert.True(CpuBackend.Instance.TryFusedAttention(qkv, heads, 0.5f, merged) && CpuBackend.Instance.CountNonFinite(merged) > 0, $"{bad} in v at token {token}");
                }
            }
        }
    }

    [Fact]
    public void Scores_that_overflow_float32_are_reported()
    {
        using var qkv = Tensor.Empty(1, 20, 3 * 4);
        qkv.AsSpan<float>().Fill(1e20f);
        using var merged = Tensor.Empty(1, 20, 4);
        Assert.False(CpuBackend.Instance.TryFusedAttention(qkv, 1, 1f, merged));
    }

    [Fact]
    public void Mismatched_shapes_are_refused_in_one_line()
    {
        using var qkv = Tensor.Empty(2, 16, 3 * 12);
        using var merged = Tensor.Empty(2, 16, 12);
        var heads = Assert.Throws<ArgumentException>(() => CpuBackend.Instance.TryFusedAttention(qkv, 5, 1f, merged));
        Assert.Equal("TryFusedAttention: 5 heads do not divide the 12 channels of merged [2, 16, 12]", heads.Message);
        using var wrong = Tensor.Empty(2, 16, 24);
        Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.TryFusedAttention(wrong, 3, 1f, merged));
    }
}
