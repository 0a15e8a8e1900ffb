using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Quantization;

/// <summary>
/// Activation fake-quantization on the device copies of the tensors, equal bit for bit to
/// <see cref="ActivationQuantizer"/>: the group ranges are reduced on the device (Kernels/rows.cu minmax_groups), each
/// group's grid is made on the host by the same <see cref="UniformGrid.QDit"/> (or the calibrated static range), and
/// the element step runs on the device with IEEE division and round-half-even (Kernels/quant.cu). Only the ranges
/// and the grids cross to and from the host.
/// </summary>
public sealed class CudaActivationQuantizer(CudaDevice device) : IActivationFakeQuantizer
{
    public void FakeQuantize(Tensor input, Tensor destination, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer)
    {
        TensorChecks.Float32(layer, input);
        TensorChecks.SameShape(layer, input, destination);
        var count = checked((int)input.ElementCount);
        var length = ActivationQuantizer.Validate(count, rows, cols, setting, range, layer);
        var groups = count / length;
        var x = input.DeviceAddress(device, write: false);
        using var minima = device.Allocate<float>(groups);
        using var maxima = device.Allocate<float>(groups);
        device.Launch("rows.cu", "minmax_groups", ((uint)groups, 1, 1), (256, 1, 1), 0,
            new KernelArguments().ULong(x).Pointer(minima).Pointer(maxima).Int(length));
        var min = minima.Download<float>(groups);
        var max = maxima.Download<float>(groups);
        var grids = new float[4 * groups];
        for (var g = 0; g < groups; g++)
        {
            if (float.IsNaN(min[g]))
                QuantGuard.Finite(layer, "activation", input.AsReadOnlySpan<float>(), cols);
            var grid = setting.Static ? range!.Grid(setting.Bits, layer) : UniformGrid.QDit(min[g], max[g], setting.Bits, setting.Symmetric);
            (grids[4 * g], grids[4 * g + 1], grids[4 * g + 2], grids[4 * g + 3]) = (grid.Scale, grid.Zero, grid.Lo, grid.Hi);
        }

        using var deviceGrids = device.Upload<float>(grids);
        device.LaunchElements("quant.cu", "fake_quantize_groups", count,
            new KernelArguments().ULong(x).ULong(destination.DeviceAddress(device, write: true)).Pointer(deviceGrids).Long(length).Long(count));
    }
}
