using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>C# quantizers against the independent Python reference (Data/make_quant_reference.py). Uniform
/// quantizers (rtn, mse, uaq, activations, static) are the same float32 operations in the same order: equal bit for
/// bit. K-means centroids are float64 means of the same sorted runs: equal after the float32 cast.</summary>
public sealed class ReferenceMatchTests
{
    private static readonly float[] W = ReferenceData.F32("w");
    private static readonly float[] X = ReferenceData.F32("x");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void Rtn_matches_reference_exactly(int bits)
    {
        foreach (var symmetric in new[] { true, false })
        {
            var tag = symmetric ? "sym" : "asym";
            Check($"rtn/{tag}/{bits}/pt", new WeightQuant(bits, Granularity.PerTensor, 0, symmetric, WeightMethod.Rtn));
            Check($"rtn/{tag}/{bits}/pc", new WeightQuant(bits, Granularity.PerChannel, 0, symmetric, WeightMethod.Rtn));
            Check($"rtn/{tag}/{bits}/g16", new WeightQuant(bits, Granularity.Group, 16, symmetric, WeightMethod.Rtn));
        }
    }

    [Fact]
    public void Mse_and_uaq_and_kmeans_match_reference_exactly()
    {
        foreach (var symmetric in new[] { true, false })
        {
            var tag = symmetric ? "sym" : "asym";
            Check($"mse/{tag}/4/pc", new WeightQuant(4, Granularity.PerChannel, 0, symmetric, WeightMethod.Mse));
            Check($"mse/{tag}/3/g16", new WeightQuant(3, Granularity.Group, 16, symmetric, WeightMethod.Mse));
            Check($"uaq/{tag}/3/pc", new WeightQuant(3, Granularity.PerChannel, 0, symmetric, WeightMethod.Uaq));
        }
        Check("kmeansc/3", new WeightQuant(3, Granularity.PerChannel, 0, false, WeightMethod.KMeansC));
        Check("kmeansa/3", new WeightQuant(3, Granularity.PerTensor, 0, false, WeightMethod.KMeansA));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void Dynamic_activations_match_reference_exactly(int bits)
    {
        foreach (var symmetric in new[] { true, false })
        {
            var tag = symmetric ? "sym" : "asym";
            CheckActivation($"act/{tag}/{bits}/tok", new ActivationQuant(bits, Granularity.PerToken, 0, symmetric, false));
            CheckActivation($"act/{tag}/{bits}/pt", new ActivationQuant(bits, Granularity.PerTensor, 0, symmetric, false));
            CheckActivation($"act/{tag}/{bits}/g16", new ActivationQuant(bits, Granularity.Group, 16, symmetric, false));
        }
    }

    [Fact]
    public void Static_range_ema_and_fake_quant_match_reference_exactly()
    {
        var range = new StaticRange();
        for (var i = 0; i < 3; i++) range.Observe(ReferenceData.F32($"static/batch{i}"), "blocks.0.attn.qkv");
        var expected = ReferenceData.F32("static/range");
        Assert.Equal(expected[0], range.Min);
        Assert.Equal(expected[1], range.Max);
        var x = (float[])X.Clone();
        ActivationQuantizer.FakeQuantize(x, 12, 64, new ActivationQuant(8, Granularity.PerTensor, 0, false, true), range, "blocks.0.attn.qkv");
        Assert.Equal(ReferenceData.F32("static/x"), x);
    }

    [Fact]
    public void Smoothing_scales_match_reference_exactly()
    {
        var act = new ChannelAbsMax(64);
        act.Observe(X, 12, "blocks.0.mlp.fc1");
        Assert.Equal(ReferenceData.F32("smooth/s05"), SmoothingScales.Compute(act.Max, W, 8, 64, 0.5, SmoothingScales.SmoothQuantEpsilon, "l"));
        Assert.Equal(ReferenceData.F32("smooth/s085"), SmoothingScales.Compute(act.Max, W, 8, 64, 0.85, SmoothingScales.SmoothQuantEpsilon, "l"));
    }

    /// <summary>Losses are float32 matrix products summed in another order: relative agreement 1e-4; the chosen α is
    /// the reference's argmin.</summary>
    [Fact]
    public void Ditas_alpha_search_matches_reference_losses()
    {
        var steps = new[] { ReferenceData.F32("ditas/x0"), ReferenceData.F32("ditas/x1"), ReferenceData.F32("ditas/x2") };
        var temporal = new TemporalChannelMax(64);
        for (var t = 0; t < steps.Length; t++) temporal.Observe(t, steps[t], 10, "blocks.1.attn.proj");
        var q = WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, false, WeightMethod.Rtn), null, "l").Dequantized;
        var result = DitasAlphaSearch.Search(steps, W, q, 8, 64, temporal.Aggregate("l"),
            new ActivationQuant(8, Granularity.PerTensor, 0, false, false), new AlphaSearch(0, 1, 0.05), "blocks.1.attn.proj");
        var expected = ReferenceData.F64("ditas/losses");
        Assert.Equal(21, result.Losses.Length);
        for (var k = 0; k < expected.Length; k++) Assert.True(Math.Abs(result.Losses[k] - expected[k]) <= 1e-4 * expected[k], $"alpha {result.Alphas[k]}: {result.Losses[k]} vs {expected[k]}");
        Assert.Equal(Array.IndexOf(expected, Min(expected)), Array.IndexOf(result.Alphas, result.Alpha));
    }

    private static double Min(double[] values)
    {
        var m = double.PositiveInfinity;
        foreach (var v in values) m = Math.Min(m, v);
        return m;
    }

    private static void Check(string name, WeightQuant setting)
    {
        var result = WeightQuantizer.Quantize(W, 8, 64, setting, null, "blocks.0.attn.qkv");
        Assert.Equal(ReferenceData.F32(name), result.Dequantized);
    }

    private static void CheckActivation(string name, ActivationQuant setting)
    {
        var x = (float[])X.Clone();
        ActivationQuantizer.FakeQuantize(x, 12, 64, setting, null, "blocks.0.mlp.fc2");
        Assert.Equal(ReferenceData.F32(name), x);
        Assert.Equal(x, ActivationQuantizer.Quantize(X, 12, 64, setting, null, "blocks.0.mlp.fc2").Dequantize());
    }
}
