using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>The run's direct path for the uniform weight methods against <see cref="WeightQuantizer"/>, which goes
/// through integer codes and dequantizes them: the same values bit for bit and the same report.</summary>
public sealed class HostWeightFakeQuantizerTests
{
    private static float[] Weight(int rows, int cols, int seed)
    {
        var random = new System.Random(seed);
        var w = new float[rows * cols];
        for (var i = 0; i < w.Length; i++)
        {
            // Gaussian values, an all-zero first row (the range floor) and one outlier per row.
            var r = i / cols;
            w[i] = r == 0 ? 0f
                : i % cols == r % cols ? 25f * (float)random.NextDouble()
                : (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return w;
    }

    [Theory]
    [InlineData(WeightMethod.Rtn, 4, true, Granularity.Group, 32)]
    [InlineData(WeightMethod.Rtn, 3, false, Granularity.PerChannel, 0)]
    [InlineData(WeightMethod.Rtn, 8, true, Granularity.PerTensor, 0)]
    [InlineData(WeightMethod.Mse, 4, false, Granularity.Group, 16)]
    [InlineData(WeightMethod.Mse, 3, true, Granularity.PerChannel, 0)]
    [InlineData(WeightMethod.Uaq, 4, false, Granularity.PerChannel, 0)]
    public void Direct_values_equal_the_dequantized_codes_bit_for_bit(WeightMethod method, int bits, bool symmetric, Granularity granularity, int group)
    {
        const int rows = 20, cols = 96;
        var w = Weight(rows, cols, bits * 7 + group);
        var setting = new WeightQuant(bits, granularity, group, symmetric, method);
        var expected = WeightQuantizer.Quantize(w, rows, cols, setting, null, "blocks.2.proj");
        using var weight = Tensor.From(w, rows, cols);
        var (values, report) = HostWeightFakeQuantizer.Instance.FakeQuantize(weight, rows, cols, setting, "blocks.2.proj");
        using (values)
            Assert.Equal(expected.Dequantized, values.ToArray<float>());
        Assert.Equal(expected.Report, report);
    }

    [Fact]
    public void A_non_finite_weight_and_a_group_that_does_not_fit_fail_as_in_the_quantizer()
    {
        var w = Weight(4, 48, 1);
        w[2 * 48 + 5] = float.NaN;
        using var weight = Tensor.From(w, 4, 48);
        var nan = Assert.Throws<QuantizationException>(() =>
            HostWeightFakeQuantizer.Instance.FakeQuantize(weight, 4, 48, new WeightQuant(4, Granularity.Group, 16, true, WeightMethod.Rtn), "l"));
        Assert.Contains("[2, 5] is NaN", nan.Message);
        var group = Assert.Throws<QuantizationException>(() =>
            HostWeightFakeQuantizer.Instance.FakeQuantize(weight, 4, 48, new WeightQuant(4, Granularity.Group, 32, true, WeightMethod.Rtn), "l"));
        Assert.Contains("group size 32 does not divide the 48 input columns", group.Message);
    }

    [Fact]
    public void Gptq_and_codebooks_are_left_to_the_quantizer()
    {
        Assert.Null(HostWeightFakeQuantizer.Instance.Declines(new WeightQuant(4, Granularity.Group, 32, true, WeightMethod.Rtn)));
        foreach (var method in new[] { WeightMethod.Gptq, WeightMethod.KMeansC, WeightMethod.KMeansA })
            Assert.NotNull(HostWeightFakeQuantizer.Instance.Declines(new WeightQuant(4, Granularity.PerChannel, 0, true, method)));
    }
}
