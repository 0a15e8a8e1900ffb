using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Row-wise and elementwise operations.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Softmax(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Softmax), input, output);
        Ops.Softmax.Run(input.Float32ReadPointer, output.Float32Pointer, (int)input.Shape.Rows, input.Shape.Last);
    }

    public void LayerNorm(Tensor input, Tensor output, float epsilon = 1e-6f)
    {
        TensorChecks.RowWise(nameof(LayerNorm), input, output);
        Ops.LayerNorm.Run(input.Float32ReadPointer, output.Float32Pointer, (int)input.Shape.Rows, input.Shape.Last, epsilon);
    }

    public void Gelu(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Gelu), input, output);
        Activations.Gelu(input.Float32ReadPointer, output.Float32Pointer, input.ElementCount);
    }

    public void Silu(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Silu), input, output);
        Activations.Silu(input.Float32ReadPointer, output.Float32Pointer, input.ElementCount);
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        TensorChecks.Broadcastable(nameof(Add), a, b, output);
        Elementwise.Add(a.Float32ReadPointer, b.Float32ReadPointer, output.Float32Pointer, a.ElementCount, (int)b.ElementCount);
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        TensorChecks.Broadcastable(nameof(Multiply), a, b, output);
        Elementwise.Multiply(a.Float32ReadPointer, b.Float32ReadPointer, output.Float32Pointer, a.ElementCount, (int)b.ElementCount);
    }

    public void Modulate(Tensor x, Tensor shift, Tensor scale, Tensor output)
    {
        var (samples, tokens, width) = TensorChecks.Conditioned(nameof(Modulate), x, shift, output);
        TensorChecks.SameShape(nameof(Modulate), shift, scale);
        AdaptiveLayerNorm.Modulate(x.Float32ReadPointer, shift.Float32ReadPointer, scale.Float32ReadPointer, output.Float32Pointer, samples, tokens, width);
    }

    public void ModulatedLayerNorm(Tensor x, Tensor shift, Tensor scale, Tensor output, float epsilon = 1e-6f)
    {
        var (samples, tokens, width) = TensorChecks.Conditioned(nameof(ModulatedLayerNorm), x, shift, output);
        TensorChecks.SameShape(nameof(ModulatedLayerNorm), shift, scale);
        AdaptiveLayerNorm.ModulatedLayerNorm(x.Float32ReadPointer, shift.Float32ReadPointer, scale.Float32ReadPointer, output.Float32Pointer,
            samples, tokens, width, epsilon);
    }

    public void GatedResidual(Tensor x, Tensor gate, Tensor y, Tensor output)
    {
        var (samples, tokens, width) = TensorChecks.Conditioned(nameof(GatedResidual), x, gate, output);
        TensorChecks.SameShape(nameof(GatedResidual), x, y);
        AdaptiveLayerNorm.GatedResidual(x.Float32ReadPointer, gate.Float32ReadPointer, y.Float32ReadPointer, output.Float32Pointer, samples, tokens, width);
    }
}
