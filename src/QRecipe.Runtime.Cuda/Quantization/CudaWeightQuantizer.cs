using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Quantization;

/// <summary>
/// Round-to-nearest weight quantization on the "max" grid, made where the weights are: the group ranges reduced on the
/// device (Kernels/rows.cu minmax_groups), each group's grid from its range by the float32 steps of
/// <see cref="UniformGrid.QDit"/> (quant.cu qdit_grids), then the element step of the activation quantizer
/// (fake_quantize_groups), so the values are <see cref="WeightQuantizer"/>'s bit for bit. Only a count of non-finite
/// groups and the relative error's per-block sums cross to the host. The grid searches (mse, uaq), GPTQ and the
/// codebooks stay on the host.
/// </summary>
public sealed class CudaWeightQuantizer(CudaDevice device) : IWeightFakeQuantizer
{
    /// <summary>Blocks of the reductions whose partial results the host adds.</summary>
    private const int SumBlocks = 32;

    public string? Declines(WeightQuant setting) =>
        setting.Method == WeightMethod.Rtn ? null : $"{WeightQuant.MethodText(setting.Method)} (its search or solver runs on the host)";

    public (Tensor Values, WeightQuantReport Report) FakeQuantize(Tensor weight, int outFeatures, int inFeatures, WeightQuant setting, string layer)
    {
        if (Declines(setting) is { } reason)
            throw new NotSupportedException($"{layer}: the GPU does not quantize weights with {reason}");
        if (weight.DataType != DataType.Float32)
            throw new QuantizationException(layer, $"the weight holds {weight.DataType.Name()}, not float32");
        var count = checked((int)weight.ElementCount);
        var length = WeightQuantizer.GroupLength(count, outFeatures, inFeatures, setting, layer);
        var groups = count / length;
        var w = weight.DeviceAddress(device, write: false);
        using var minima = device.Allocate<float>(groups);
        using var maxima = device.Allocate<float>(groups);
        device.Launch("rows.cu", "minmax_groups", ((uint)groups, 1, 1), (256, 1, 1), 0, new KernelArguments().ULong(w).Pointer(minima).Pointer(maxima).Int(length));
        // minmax_groups leaves NaN as the minimum of a group with a non-finite value: count them, and let the host's
        // check name the first one.
        using var bad = device.Allocate<int>(SumBlocks);
        device.Launch("rows.cu", "count_nonfinite", (SumBlocks, 1, 1), (256, 1, 1), 0, new KernelArguments().Pointer(minima).Pointer(bad).Long(groups));
        foreach (var c in bad.Download<int>(SumBlocks))
        {
            if (c != 0)
                QuantGuard.Finite(layer, "weight", weight.AsReadOnlySpan<float>(), inFeatures);
        }

        using var grids = device.Allocate<float>(4L * groups);
        device.LaunchElements("quant.cu", "qdit_grids", groups,
            new KernelArguments().Pointer(minima).Pointer(maxima).Pointer(grids).Int(setting.Bits).Int(setting.Symmetric ? 1 : 0).Long(groups));
        var values = Tensor.Empty(new TensorShape(outFeatures, inFeatures));
        try
        {
            var q = values.DeviceAddress(device, write: true);
            device.LaunchElements("quant.cu", "fake_quantize_groups", count, new KernelArguments().ULong(w).ULong(q).Pointer(grids).Long(length).Long(count));
            using var sums = device.Allocate<double>(2 * SumBlocks);
            device.Launch("quant.cu", "quant_error_sums", (SumBlocks, 1, 1), (256, 1, 1), 0, new KernelArguments().ULong(w).ULong(q).Pointer(sums).Long(count));
            double error = 0, norm = 0;
            var partial = sums.Download<double>(2 * SumBlocks);
            for (var b = 0; b < SumBlocks; b++)
                (error, norm) = (error + partial[2 * b], norm + partial[2 * b + 1]);
            var overhead = groups * (setting.Symmetric ? 1L : 2L);
            return (values, new WeightQuantReport(layer, setting, count, overhead, WeightQuantizer.RelativeError(error, norm)));
        }
        catch
        {
            values.Dispose();
            throw;
        }
    }
}
