using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Tests.Quantization;

public sealed class BadInputTests
{
    private const string Layer = "blocks.3.mlp.fc1";
    private static readonly float[] W = new float[8 * 64];

    private static void Fails(string expected, Action action)
    {
        var e = Assert.Throws<QuantizationException>(action);
        Assert.Equal(Layer, e.Layer.Split(' ')[0]);
        Assert.StartsWith(Layer, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Weight_settings()
    {
        Fails("group size 48 does not divide the 64", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.Group, 48, true, WeightMethod.Rtn), null, Layer));
        Fails("group size 0", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.Group, 0, true, WeightMethod.Rtn), null, Layer));
        Fails("bits 9 out of range [2, 8]", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(9, Granularity.PerChannel, 0, true, WeightMethod.Rtn), null, Layer));
        Fails("bits 1 out of range", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(1, Granularity.PerChannel, 0, true, WeightMethod.Rtn), null, Layer));
        Fails("fp", () => WeightQuantizer.Quantize(W, 8, 64, WeightQuant.Float, null, Layer));
        Fails("PerToken", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerToken, 0, true, WeightMethod.Rtn), null, Layer));
        Fails("kmeans-c works per output channel", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.Group, 16, true, WeightMethod.KMeansC), null, Layer));
        Fails("kmeans-a clusters the whole tensor", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.KMeansA), null, Layer));
        Fails("gptq needs calibration", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Gptq), null, Layer));
        Fails("no samples", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Gptq), new GptqStatistics(64), Layer));
        Fails("Hessian has 32 columns", () => WeightQuantizer.Quantize(W, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Gptq), new GptqStatistics(32), Layer));
        Fails("do not form a [8, 32] matrix", () => WeightQuantizer.Quantize(W, 8, 32, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), null, Layer));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_values(float bad, string text)
    {
        var w = new float[8 * 64];
        w[2 * 64 + 5] = bad;
        Fails($"weight [2, 5] is {text}", () => WeightQuantizer.Quantize(w, 8, 64, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), null, Layer));
        var x = new float[4 * 64];
        x[3 * 64 + 63] = bad;
        foreach (var granularity in new[] { Granularity.PerToken, Granularity.PerTensor, Granularity.Group })
            Fails($"activation [3, 63] is {text}", () => ActivationQuantizer.FakeQuantize((float[])x.Clone(), 4, 64, new ActivationQuant(8, granularity, 16, true, false), null, Layer));
        Fails("calibration input", () => new GptqStatistics(64).Accumulate(x, 4, 1, Layer));
        Fails("calibration activation", () => new ChannelAbsMax(64).Observe(x, 4, Layer));
        Fails("calibration activation", () => new StaticRange().Observe(x, Layer));
        Fails($"step 12", () => new TemporalChannelMax(64).Observe(12, x, 4, Layer));
    }

    [Fact]
    public void Activation_settings()
    {
        var x = new float[4 * 64];
        Fails("bits 17 out of range [2, 16]", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(17, Granularity.PerToken, 0, true, false), null, Layer));
        Fails("group size 24 does not divide the 64", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(8, Granularity.Group, 24, true, false), null, Layer));
        Fails("PerChannel", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(8, Granularity.PerChannel, 0, true, false), null, Layer));
        Fails("per-tensor asymmetric", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(8, Granularity.PerTensor, 0, true, true), new StaticRange(), Layer));
        Fails("need a calibrated range", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(8, Granularity.PerTensor, 0, false, true), null, Layer));
        Fails("calibration produced no data", () => ActivationQuantizer.FakeQuantize(x, 4, 64, new ActivationQuant(8, Granularity.PerTensor, 0, false, true), new StaticRange(), Layer));
    }

    [Fact]
    public void Smoothing_inputs()
    {
        Fails("alpha 1.5 outside [0, 1]", () => SmoothingScales.Compute(new float[64], W, 8, 64, 1.5, 1e-5f, Layer));
        Fails("32 activation maxima for 64 input channels", () => SmoothingScales.Compute(new float[32], W, 8, 64, 0.5, 1e-5f, Layer));
        Fails("smoothing requested but calibration produced no data", () => new TemporalChannelMax(64).Aggregate(Layer));
        Fails("no calibration statistics at step 5", () => new TemporalChannelMax(64).Aggregate(Layer, [5]));
        Fails("alpha grid", () => DitasAlphaSearch.Grid(new AlphaSearch(0, 1, 0), Layer));
        Fails("calibration produced no inputs", () => DitasAlphaSearch.Search([], W, W, 8, 64, new float[64], new ActivationQuant(8, Granularity.PerTensor, 0, false, false), new AlphaSearch(0, 1, 0.5), Layer));
        Assert.Equal([0.0, 0.05, 0.1, 0.15000000000000002, 0.2], DitasAlphaSearch.Grid(new AlphaSearch(0, 0.2, 0.05), Layer));
    }
}
