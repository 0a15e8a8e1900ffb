using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// Softmax's row kernel on each vector width this CPU runs (16 lanes on AVX-512, <c>Vector&lt;float&gt;</c> always),
/// against float64: widths on both sides of every 16-lane tail, rows with −∞ entries and with ±3e38 (whose
/// differences overflow float32 to −∞), the finiteness probe at every position, and the 16-lane exp's 2-ulp bound.
/// Bound as <see cref="RowOperationTests"/>: 2e-6·|y| + 1e-8.
/// </summary>
public sealed unsafe class SoftmaxRowTests
{
    public static IEnumerable<object[]> Kernels()
    {
        yield return new object[] { "narrow" };
        if (VectorExp.WideSupported)
            yield return new object[] { "wide" };
    }

    private static float Run(string kernel, float[] x, float[] y, out bool finite)
    {
        fixed (float* px = x, py = y)
        {
            return kernel == "wide"
                ? Softmax.ExponentialsWide(px, py, x.Length, out finite)
                : Softmax.ExponentialsNarrow(px, py, x.Length, out finite);
        }
    }

    private static double[] Reference(float[] x)
    {
        var max = x.Max(v => (double)v);
        var sum = x.Sum(v => Math.Exp(v - max));
        return x.Select(v => Math.Exp(v - max) / sum).ToArray();
    }

    private static readonly int[] Widths = [.. Enumerable.Range(1, 49), 255, 256, 257];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Rows_match_the_float64_softmax(string kernel)
    {
        var random = new System.Random(11);
        foreach (var width in Widths)
        {
            foreach (var kind in new[] { "plain", "minus infinity", "huge" })
            {
                var x = new float[width];
                for (var i = 0; i < width; i++)
                    x[i] = (float)(random.NextDouble() * 40 - 20);
                if (kind == "minus infinity")
                {
                    for (var i = 0; i < width; i += 3)
                        x[i] = float.NegativeInfinity;
                    x[width - 1] = 1f;
                }
                else if (kind == "huge")
                {
                    x[random.Next(width)] = -3e38f;
                    x[random.Next(width)] = 3e38f;
                }
                var y = new float[width];
                var sum = Run(kernel, x, y, out var finite);
                Assert.Equal(x.All(float.IsFinite), finite);
                var probabilities = y.Select(v => v / sum).ToArray();
                TestData.AssertClose(Reference(x), probabilities, 2e-6, 1e-8, $"{kernel} softmax width {width} {kind}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void In_place_rows_equal_separate_ones(string kernel)
    {
        foreach (var width in Widths)
        {
            var x = Enumerable.Range(0, width).Select(i => (i * 37 % 23) / 3f - 4f).ToArray();
            var separate = new float[width];
            var separateSum = Run(kernel, x, separate, out _);
            var inPlaceSum = Run(kernel, x, x, out _);
            Assert.Equal(separateSum, inPlaceSum);
            Assert.Equal(separate, x);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_row_of_only_minus_infinity_has_no_distribution(string kernel)
    {
        var x = Enumerable.Repeat(float.NegativeInfinity, 19).ToArray();
        var y = new float[x.Length];
        var sum = Run(kernel, x, y, out var finite);
        Assert.False(finite);
        Assert.True(float.IsNaN(sum));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_probe_finds_one_non_finite_value_at_every_position(string kernel)
    {
        foreach (var width in Widths.Where(w => w <= 49))
        {
            var clean = Enumerable.Range(0, width).Select(i => i % 2 == 0 ? 3e38f : -3e38f).ToArray();
            Assert.True(FiniteOf(kernel, clean), $"{kernel} width {width} finite");
            foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                for (var position = 0; position < width; position++)
                {
                    var x = (float[])clean.Clone();
                    x[position] = bad;
                    Assert.False(FiniteOf(kernel, x), $"{kernel} width {width}: {bad} at {position}");
                }
            }
        }
    }

    private static bool FiniteOf(string kernel, float[] x)
    {
        Run(kernel, x, new float[x.Length], out var finite);
        return finite;
    }

    [Fact]
    public void The_16_lane_exp_is_within_2_ulp_over_the_whole_float_range()
    {
        if (!VectorExp.WideSupported)
            return;
        ExpAccuracy.AssertWithin2Ulp(value => VectorExp.Exp(Vector512.Create(value))[15]);
        Assert.True(float.IsNaN(VectorExp.Exp(Vector512.Create(float.NaN))[0]));
        Assert.Equal(0f, VectorExp.Exp(Vector512.Create(float.NegativeInfinity))[0]);
        Assert.Equal(float.PositiveInfinity, VectorExp.Exp(Vector512.Create(float.PositiveInfinity))[0]);
    }

    /// <summary>GELU and SiLU run 16 lanes and then 8 over one tensor, so the two exps must agree bit for bit wherever
    /// 1 + exp(−z) can see a difference (above e^−86.3 ≈ 3e-38), and on the special values.</summary>
    [Fact]
    public void The_16_lane_exp_equals_the_narrow_exp_bit_for_bit()
    {
        if (!VectorExp.WideSupported)
            return;
        var lanes = System.Numerics.Vector<float>.Count;
        var inputs = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 0f, -0f, 88.72f, 88.73f };
        for (var x = -86.3; x <= 90.0; x += 0.000731)
            inputs.Add((float)x);
        foreach (var value in inputs)
        {
            var wide = VectorExp.Exp(Vector512.Create(value))[15];
            var narrow = VectorExp.Exp(new System.Numerics.Vector<float>(value))[lanes - 1];
            Assert.True(BitConverter.SingleToInt32Bits(wide) == BitConverter.SingleToInt32Bits(narrow) || (float.IsNaN(wide) && float.IsNaN(narrow)),
                $"exp({value:R}): 16 lanes {wide:R}, narrow {narrow:R}");
        }
    }
}
