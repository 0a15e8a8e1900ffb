using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Row-wise and elementwise operations.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Softmax(Tensor input, Tensor output)
    {
        RowWise(nameof(Softmax), input, output);
        Ops.Softmax.Run(input.Float32Pointer, output.Float32Pointer, (int)input.Shape.Rows, input.Shape.Last);
    }

    public void LayerNorm(Tensor input, Tensor output, float epsilon = 1e-6f)
    {
        RowWise(nameof(LayerNorm), input, output);
        Ops.LayerNorm.Run(input.Float32Pointer, output.Float32Pointer, (int)input.Shape.Rows, input.Shape.Last, epsilon);
    }

    public void Gelu(Tensor input, Tensor output)
    {
        RowWise(nameof(Gelu), input, output);
        Activations.Gelu(input.Float32Pointer, output.Float32Pointer, input.ElementCount);
    }

    public void Silu(Tensor input, Tensor output)
    {
        RowWise(nameof(Silu), input, output);
        Activations.Silu(input.Float32Pointer, output.Float32Pointer, input.ElementCount);
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        Broadcastable(nameof(Add), a, b, output);
        Elementwise.Add(a.Float32Pointer, b.Float32Pointer, output.Float32Pointer, a.ElementCount, (int)b.ElementCount);
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        Broadcastable(nameof(Multiply), a, b, output);
        Elementwise.Multiply(a.Float32Pointer, b.Float32Pointer, output.Float32Pointer, a.ElementCount, (int)b.ElementCount);
    }

    public void Modulate(Tensor x, Tensor shift, Tensor scale, Tensor output)
    {
        var (samples, tokens, width) = Conditioned(nameof(Modulate), x, shift, output);
        TensorChecks.SameShape(nameof(Modulate), shift, scale);
        AdaptiveLayerNorm.Modulate(x.Float32Pointer, shift.Float32Pointer, scale.Float32Pointer, output.Float32Pointer, samples, tokens, width);
    }

    public void GatedResidual(Tensor x, Tensor gate, Tensor y, Tensor output)
    {
        var (samples, tokens, width) = Conditioned(nameof(GatedResidual), x, gate, output);
        TensorChecks.SameShape(nameof(GatedResidual), x, y);
        AdaptiveLayerNorm.GatedResidual(x.Float32Pointer, gate.Float32Pointer, y.Float32Pointer, output.Float32Pointer, samples, tokens, width);
    }

    private static void RowWise(string op, Tensor input, Tensor output)
    {
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, output);
        TensorChecks.SameShape(op, input, output);
    }

    private static void Broadcastable(string op, Tensor a, Tensor b, Tensor output)
    {
        RowWise(op, a, output);
        TensorChecks.Float32(op, b);
        ShapeMismatchException.ThrowUnless(TensorChecks.IsSuffix(a.Shape, b.Shape) && b.ElementCount > 0 || a.ElementCount == 0, op, a.Shape, b.Shape,
            "the second shape must equal the first or its trailing axes");
    }

    /// <summary>Checks x [N, T, D] against a per-sample row [N, D]; returns (N, T, D).</summary>
    private static (int Samples, int Tokens, int Width) Conditioned(string op, Tensor x, Tensor perSample, Tensor output)
    {
        RowWise(op, x, output);
        TensorChecks.Float32(op, perSample);
        ShapeMismatchException.ThrowUnless(x.Rank == 3 && perSample.Rank == 2 && x.Shape[0] == perSample.Shape[0] && x.Shape[2] == perSample.Shape[1],
            op, x.Shape, perSample.Shape, "expected x [N, T, D] and a per-sample [N, D]");
        return (x.Shape[0], x.Shape[1], x.Shape[2]);
    }
}
