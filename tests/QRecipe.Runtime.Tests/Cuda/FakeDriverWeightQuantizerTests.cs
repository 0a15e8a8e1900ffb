using System;
using QRecipe.Plan;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>Round-to-nearest weight quantization made on the GPU (Kernels/quant.cu qdit_grids, fake_quantize_groups,
/// quant_error_sums) against the host's <see cref="WeightQuantizer"/> on the same floats, under the fake driver.</summary>
public sealed class FakeDriverWeightQuantizerTests
{
    /// <summary>Rows of mixed magnitudes: an all-zero row (the 1e-5 range floor), a row of multiples of 1/8 with its
    /// extreme at qmax/4, so that codes fall on halves where round-half-even matters, a row with one outlier, Gaussian
    /// rows, a row of tiny values, an all-negative row (the asymmetric zero point clamps at the top) and a row of
    /// quarters whose groups span exactly [−0.5, 2^b − 1.5], where the asymmetric scale is 1, so halves round to even.</summary>
    private static float[] Weight(int rows, int cols, int bits)
    {
        var random = new System.Random(rows * 31 + cols);
        var (qmax, top) = ((1 << (bits - 1)) - 1, (1 << bits) - 1);
        var w = new float[rows * cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                w[r * cols + c] = (r % 6) switch
                {
                    0 when r == 0 => 0f,
                    1 => c == 0 ? qmax / 4f : random.Next(-2 * qmax, 2 * qmax + 1) / 8f,
                    2 => (float)(random.NextDouble() - 0.4) * (c == cols / 2 ? 30f : 0.2f),
                    3 => (float)random.NextDouble() * 2e-6f - 1e-6f,
                    4 => -(float)random.NextDouble() - 0.5f,
                    5 => (c % 16) switch { 0 => -0.5f, 1 => top - 0.5f, _ => random.Next(-2, 4 * top - 1) / 4f },
                    _ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())),
                };
            }
        }

        return w;
    }

    private static WeightQuant Setting(int bits, bool symmetric, Granularity granularity, int group = 0, WeightMethod method = WeightMethod.Rtn) =>
        new(bits, granularity, group, symmetric, method);

    public static TheoryData<int, int, int, bool, Granularity, int> Cases() => new()
    {
        { 24, 64, 4, true, Granularity.Group, 32 },
        { 13, 48, 3, false, Granularity.PerChannel, 0 },
        { 7, 40, 8, true, Granularity.PerTensor, 0 },
        { 12, 32, 2, false, Granularity.Group, 16 },
        { 6, 300, 5, true, Granularity.PerChannel, 0 },
    };

    [CudaTheory(CudaNeed.FakeDriver)]
    [MemberData(nameof(Cases))]
    public void Device_weights_equal_the_host_quantizer_bit_for_bit(int rows, int cols, int bits, bool symmetric, Granularity granularity, int group)
    {
        var w = Weight(rows, cols, bits);
        var setting = Setting(bits, symmetric, granularity, group);
        var expected = WeightQuantizer.Quantize(w, rows, cols, setting, null, "blocks.0.fc1");
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        using var weight = Tensor.From(w, rows, cols);
        var (values, report) = gpu.WeightQuantizer.FakeQuantize(weight, rows, cols, setting, "blocks.0.fc1");
        using (values)
            Assert.Equal(expected.Dequantized, values.ToArray<float>());
        Assert.Equal(expected.Report with { RelativeError = 0 }, report with { RelativeError = 0 });
        Assert.Equal(expected.Report.RelativeError, report.RelativeError, 1e-12 * expected.Report.RelativeError);
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void The_relative_error_is_the_norm_ratio_of_the_difference()
    {
        // By hand, independent of the host quantizer: int2 symmetric per tensor on {−3, 1.5, 0, 0.75} has qmax 1 and
        // scale 3/1; x/s = −1, 0.5, 0, 0.25 round (half to even) to codes −1, 0, 0, 0, so the values are −3, 0, 0, 0.
        float[] w = [-3f, 1.5f, 0f, 0.75f];
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        using var weight = Tensor.From(w, 1, 4);
        var (values, report) = gpu.WeightQuantizer.FakeQuantize(weight, 1, 4, Setting(2, true, Granularity.PerTensor), "t");
        using (values)
            Assert.Equal([-3f, 0f, 0f, 0f], values.ToArray<float>());
        Assert.Equal(Math.Sqrt((1.5 * 1.5 + 0.75 * 0.75) / (9 + 1.5 * 1.5 + 0.75 * 0.75)), report.RelativeError, 1e-15);
        Assert.Equal(1, report.OverheadWords);
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_non_finite_weight_fails_naming_its_position_as_on_the_host()
    {
        var w = Weight(8, 32, 4);
        w[5 * 32 + 17] = float.PositiveInfinity;
        var setting = Setting(4, true, Granularity.Group, 16);
        var host = Assert.Throws<QuantizationException>(() => WeightQuantizer.Quantize(w, 8, 32, setting, null, "blocks.1.qkv"));
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        using var weight = Tensor.From(w, 8, 32);
        var device = Assert.Throws<QuantizationException>(() => gpu.WeightQuantizer.FakeQuantize(weight, 8, 32, setting, "blocks.1.qkv"));
        Assert.Equal(host.Message, device.Message);
        Assert.Contains("[5, 17]", device.Message);
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void Searches_and_solvers_stay_on_the_host()
    {
        using var gpu = CudaComputeDevice.Over(FakeDriver.Open());
        Assert.Null(gpu.WeightQuantizer.Declines(Setting(4, true, Granularity.Group, 32)));
        foreach (var method in new[] { WeightMethod.Mse, WeightMethod.Gptq, WeightMethod.Uaq, WeightMethod.KMeansC, WeightMethod.KMeansA })
            Assert.NotNull(gpu.WeightQuantizer.Declines(Setting(4, true, Granularity.PerChannel, 0, method)));
    }
}
