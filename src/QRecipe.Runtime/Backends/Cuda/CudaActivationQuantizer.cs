using System;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Quantization;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>
/// Activation fake-quantization on the device, equal bit for bit to <see cref="ActivationQuantizer.FakeQuantize"/>:
/// the group ranges are reduced on the device (Kernels/rows.cu minmax_groups), each group's grid is made on the host
/// by the same <see cref="UniformGrid.QDit"/> (or the calibrated static range), and the element step runs on the
/// device with IEEE division and round-half-even (Kernels/quant.cu).
/// </summary>
public sealed class CudaActivationQuantizer(CudaDevice device)
{
    public void FakeQuantize(Span<float> x, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer)
    {
        if (setting.IsFloat) throw new QuantizationException(layer, "setting is fp: floating-point activations are not quantized");
        QuantGuard.Bits(layer, setting.Bits, QuantGuard.MaxActivationBits);
        QuantGuard.Shape(layer, x.Length, rows, cols);
        if (setting.Static && (setting.Symmetric || setting.Granularity != Granularity.PerTensor || range is null))
            throw new QuantizationException(layer, $"static activations are per-tensor asymmetric with a calibrated range, not {setting}");
        var length = setting.Static ? x.Length : GroupLayout.Length(layer, setting.Granularity, setting.GroupSize, rows, cols, weight: false);
        var groups = x.Length / length;
        using var data = device.Upload<float>(x);
        using var minima = device.Allocate<float>(groups);
        using var maxima = device.Allocate<float>(groups);
        device.Launch("rows.cu", "minmax_groups", ((uint)groups, 1, 1), (256, 1, 1), 0,
            new KernelArguments().Pointer(data).Pointer(minima).Pointer(maxima).Int(length));
        var min = minima.Download<float>(groups);
        var max = maxima.Download<float>(groups);
        var grids = new float[4 * groups];
        for (var g = 0; g < groups; g++)
        {
            if (float.IsNaN(min[g]))
                QuantGuard.Finite(layer, "activation", x, cols);
            var grid = setting.Static ? range!.Grid(setting.Bits, layer) : UniformGrid.QDit(min[g], max[g], setting.Bits, setting.Symmetric);
            (grids[4 * g], grids[4 * g + 1], grids[4 * g + 2], grids[4 * g + 3]) = (grid.Scale, grid.Zero, grid.Lo, grid.Hi);
        }

        using var deviceGrids = device.Upload<float>(grids);
        device.LaunchElements("quant.cu", "fake_quantize_groups", x.Length,
            new KernelArguments().Pointer(data).Pointer(data).Pointer(deviceGrids).Long(length).Long(x.Length));
        data.Download(x);
    }
}
