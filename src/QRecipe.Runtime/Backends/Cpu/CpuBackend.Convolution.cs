using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Convolutional image operations: convolution, group norm, upsampling and the feature-map/token transpose
/// (the SD-VAE decoder, docs/vae.md).</summary>
public sealed unsafe partial class CpuBackend
{
    public void Conv2d(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (n, cin, cout, h, w, k) = TensorChecks.Conv2d(nameof(Conv2d), input, weight, bias, output);
        Convolution.Conv2d(input.Float32ReadPointer, weight.Float32ReadPointer, bias is null ? null : bias.Float32ReadPointer, output.Float32Pointer, n, cin, cout, h, w, k);
    }

    public void GroupNorm(Tensor input, int groups, Tensor weight, Tensor bias, Tensor output, float epsilon = 1e-6f)
    {
        var (n, channels, positions) = TensorChecks.GroupNorm(nameof(GroupNorm), input, groups, weight, bias, output);
        Ops.GroupNorm.Normalize(input.Float32ReadPointer, weight.Float32ReadPointer, bias.Float32ReadPointer, output.Float32Pointer, n, channels, positions, groups, epsilon);
    }

    public void UpsampleNearest2x(Tensor input, Tensor output)
    {
        var (planes, h, w) = TensorChecks.UpsampleNearest2x(nameof(UpsampleNearest2x), input, output);
        Upsampling.Nearest2x(input.Float32ReadPointer, output.Float32Pointer, planes * h, w);
    }

    public void TransposeLastTwo(Tensor input, Tensor output)
    {
        var (batch, rows, columns) = TensorChecks.TransposeLastTwo(nameof(TransposeLastTwo), input, output);
        Transposition.LastTwo(input.Float32ReadPointer, output.Float32Pointer, batch, rows, columns);
    }
}
