using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>Properties on seeded data (Philox): idempotence on the same grid, |x − q(x)| ≤ s/2 inside the grid's
/// range, error non-increasing in bits.</summary>
public sealed class PropertyTests
{
    private static float[] Normal(int count, ulong seed, float outlier = 0)
    {
        var values = new float[count];
        PhiloxRandom.FillNormal(values, seed);
        if (outlier != 0) values[count / 3] = outlier;
        return values;
    }

    public static TheoryData<int, Granularity, int, bool> Settings()
    {
        var data = new TheoryData<int, Granularity, int, bool>();
        foreach (var bits in new[] { 2, 3, 4, 5, 6, 8 })
        {
            foreach (var symmetric in new[] { true, false })
            {
                data.Add(bits, Granularity.PerTensor, 0, symmetric);
                data.Add(bits, Granularity.PerChannel, 0, symmetric);
                data.Add(bits, Granularity.Group, 32, symmetric);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Quantize_dequantize_is_idempotent_and_error_is_within_half_step(int bits, Granularity granularity, int group, bool symmetric)
    {
        var w = Normal(24 * 96, 11, outlier: 9f);
        foreach (var method in new[] { WeightMethod.Rtn, WeightMethod.Mse })
        {
            var q = WeightQuantizer.Quantize(w, 24, 96, new WeightQuant(bits, granularity, group, symmetric, method), null, "l");
            var codes = q.Uniform!;
            for (var i = 0; i < w.Length; i++)
            {
                var grid = codes.GridOf(i);
                Assert.Equal(q.Dequantized[i], grid.FakeQuantize(q.Dequantized[i]));
                var inside = w[i] >= grid.Dequantize(grid.Lo) && w[i] <= grid.Dequantize(grid.Hi);
                if (inside) Assert.True(Math.Abs(w[i] - q.Dequantized[i]) <= grid.Scale * 0.5f * (1 + 1e-5f), $"{method} element {i}");
                else Assert.True(method == WeightMethod.Mse || !symmetric || grid.Code(w[i]) == grid.Hi);
            }
        }
    }

    [Fact]
    public void Vector_and_scalar_paths_agree()
    {
        var x = Normal(1000 * 3 + 7, 5);
        var grid = UniformGrid.QDit(-2f, 3f, 5, false);
        var fast = new float[x.Length];
        UniformKernels.FakeQuantize(x, fast, grid);
        for (var i = 0; i < x.Length; i++) Assert.Equal(grid.FakeQuantize(x[i]), fast[i]);
    }

    [Theory]
    [InlineData(WeightMethod.Rtn, Granularity.PerChannel, 0)]
    [InlineData(WeightMethod.Rtn, Granularity.Group, 32)]
    [InlineData(WeightMethod.Mse, Granularity.Group, 32)]
    [InlineData(WeightMethod.Uaq, Granularity.PerChannel, 0)]
    [InlineData(WeightMethod.KMeansC, Granularity.PerChannel, 0)]
    [InlineData(WeightMethod.KMeansA, Granularity.PerTensor, 0)]
    [InlineData(WeightMethod.Gptq, Granularity.Group, 32)]
    public void Weight_error_does_not_increase_with_bits(WeightMethod method, Granularity granularity, int group)
    {
        var w = Normal(32 * 128, 21, outlier: 7f);
        var x = Normal(64 * 128, 22);
        var stats = new GptqStatistics(128);
        stats.Accumulate(x, 64, 4, "l");
        var previous = double.PositiveInfinity;
        for (var bits = 2; bits <= 8; bits++)
        {
            var error = WeightQuantizer.Quantize(w, 32, 128, new WeightQuant(bits, granularity, group, false, method), stats, "l").Report.RelativeError;
            Assert.True(error <= previous, $"{bits} bits: {error} > {previous}");
            Assert.True(error > 0 || method is WeightMethod.KMeansC);
            previous = error;
        }
        Assert.True(previous < 0.02, $"8-bit error {previous}");
    }

    [Theory]
    [InlineData(Granularity.PerToken, 0, true)]
    [InlineData(Granularity.PerTensor, 0, false)]
    [InlineData(Granularity.Group, 64, false)]
    public void Activation_error_does_not_increase_with_bits(Granularity granularity, int group, bool symmetric)
    {
        var x = Normal(16 * 256, 31, outlier: 40f);
        var previous = double.PositiveInfinity;
        for (var bits = 2; bits <= 16; bits++)
        {
            var q = (float[])x.Clone();
            ActivationQuantizer.FakeQuantize(q, 16, 256, new ActivationQuant(bits, granularity, group, symmetric, false), null, "l");
            var error = WeightQuantizer.RelativeError(x, q);
            Assert.True(error <= previous, $"{bits} bits: {error} > {previous}");
            previous = error;
        }
        Assert.True(previous < 1e-3, $"16-bit error {previous}");
    }

    [Fact]
    public void Smoothing_folded_product_equals_original()
    {
        var w = Normal(16 * 64, 41);
        var x = Normal(8 * 64, 42, outlier: 30f);
        var act = new ChannelAbsMax(64);
        act.Observe(x, 8, "l");
        var s = SmoothingScales.Compute(act.Max, w, 16, 64, 0.5, SmoothingScales.SmoothQuantEpsilon, "l");
        var ws = (float[])w.Clone();
        SmoothFolding.ScaleColumns(ws, 16, 64, s);
        var xs = (float[])x.Clone();
        SmoothFolding.DivideColumns(xs, 8, 64, s);
        var y = DenseMath.MultiplyTransposed(x, 8, w, 16, 64);
        var ys = DenseMath.MultiplyTransposed(xs, 8, ws, 16, 64);
        for (var i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - ys[i]) <= 1e-5f * Math.Max(1f, Math.Abs(y[i])), $"{y[i]} vs {ys[i]}");
    }

    /// <summary>With 4-bit weights the fixed weight error dominates the objective (Q is not re-quantized after
    /// scaling), so the gain is smaller than at W8A8, where the activation outlier dominates.</summary>
    [Theory]
    [InlineData(4, 0.9)]
    [InlineData(8, 0.2)]
    public void Ditas_smoothing_reduces_error_with_outlier_channels(int weightBits, double ratio)
    {
        var w = Normal(32 * 64, 51);
        var steps = new float[4][];
        var temporal = new TemporalChannelMax(64);
        for (var t = 0; t < steps.Length; t++)
        {
            steps[t] = Normal(16 * 64, 60 + (ulong)t);
            for (var r = 0; r < 16; r++) steps[t][r * 64 + 5] *= 50f;
            temporal.Observe(t, steps[t], 16, "l");
        }
        var q = WeightQuantizer.Quantize(w, 32, 64, new WeightQuant(weightBits, Granularity.PerChannel, 0, false, WeightMethod.Rtn), null, "l").Dequantized;
        var result = DitasAlphaSearch.Search(steps, w, q, 32, 64, temporal.Aggregate("l"),
            new ActivationQuant(8, Granularity.PerTensor, 0, false, false), new AlphaSearch(0, 1, 0.05), "l");
        var unsmoothed = 0.0;
        foreach (var x in steps)
        {
            var reference = DenseMath.MultiplyTransposed(x, 16, w, 32, 64);
            var xq = (float[])x.Clone();
            ActivationQuantizer.FakeQuantize(xq, 16, 64, new ActivationQuant(8, Granularity.PerTensor, 0, false, false), null, "l");
            var y = DenseMath.MultiplyTransposed(xq, 16, q, 32, 64);
            var sum = 0.0;
            for (var i = 0; i < y.Length; i++) sum += Math.Pow(reference[i] - y[i], 2);
            unsmoothed += sum / y.Length;
        }
        var best = result.Losses[Array.IndexOf(result.Alphas, result.Alpha)];
        Assert.True(best < ratio * unsmoothed, $"alpha {result.Alpha}: {best} vs unsmoothed {unsmoothed}");
        foreach (var loss in result.Losses) Assert.True(best <= loss);
    }
}
