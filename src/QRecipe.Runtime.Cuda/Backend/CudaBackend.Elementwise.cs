using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>Row-wise and elementwise operations (Kernels/rows.cu, Kernels/elementwise.cu).</summary>
public sealed partial class CudaBackend
{
    public void Softmax(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Softmax), input, output);
        RowKernel("softmax_rows", input, output, new KernelArguments().Int(input.Shape.Last));
    }

    public void LayerNorm(Tensor input, Tensor output, float epsilon = 1e-6f)
    {
        TensorChecks.RowWise(nameof(LayerNorm), input, output);
        RowKernel("layernorm_rows", input, output, new KernelArguments().Int(input.Shape.Last).Float(epsilon));
    }

    public void Gelu(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Gelu), input, output);
        Map(Elementwise, "gelu_tanh", [input], output, new KernelArguments().Long(input.ElementCount));
    }

    public void Silu(Tensor input, Tensor output)
    {
        TensorChecks.RowWise(nameof(Silu), input, output);
        Map(Elementwise, "silu", [input], output, new KernelArguments().Long(input.ElementCount));
    }

    public void Add(Tensor a, Tensor b, Tensor output)
    {
        TensorChecks.Broadcastable(nameof(Add), a, b, output);
        Map(Elementwise, "add_broadcast", [a, b], output, new KernelArguments().Long(a.ElementCount).Long(b.ElementCount));
    }

    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        TensorChecks.Broadcastable(nameof(Multiply), a, b, output);
        Map(Elementwise, "multiply_broadcast", [a, b], output, new KernelArguments().Long(a.ElementCount).Long(b.ElementCount));
    }

    public void Modulate(Tensor x, Tensor shift, Tensor scale, Tensor output)
    {
        TensorChecks.Conditioned(nameof(Modulate), x, shift, output);
        TensorChecks.SameShape(nameof(Modulate), shift, scale);
        Map(Elementwise, "modulate", [x, shift, scale], output, new KernelArguments().Int(x.Shape[1]).Int(x.Shape[2]).Long(x.ElementCount));
    }

    /// <summary>LayerNorm, then modulate in place: two kernels (the fusion is the CPU backend's).</summary>
    public void ModulatedLayerNorm(Tensor x, Tensor shift, Tensor scale, Tensor output, float epsilon = 1e-6f)
    {
        TensorChecks.Conditioned(nameof(ModulatedLayerNorm), x, shift, output);
        TensorChecks.SameShape(nameof(ModulatedLayerNorm), shift, scale);
        LayerNorm(x, output, epsilon);
        Modulate(output, shift, scale, output);
    }

    public void GatedResidual(Tensor x, Tensor gate, Tensor y, Tensor output)
    {
        TensorChecks.Conditioned(nameof(GatedResidual), x, gate, output);
        TensorChecks.SameShape(nameof(GatedResidual), x, y);
        Map(Elementwise, "gated_residual", [x, gate, y], output, new KernelArguments().Int(x.Shape[1]).Int(x.Shape[2]).Long(x.ElementCount));
    }

    /// <summary>Runs a grid-stride kernel with the arguments inputs, output, then <paramref name="tail"/>.</summary>
    private void Map(string file, string kernel, Tensor[] inputs, Tensor output, KernelArguments tail, long? elements = null)
    {
        var arguments = new KernelArguments();
        foreach (var input in inputs)
            arguments.ULong(In(input));
        arguments.ULong(Out(output)).Append(tail);
        device.LaunchElements(file, kernel, elements ?? output.ElementCount, arguments);
    }

    /// <summary>One 256-thread block per row of the input (kernels of rows.cu: input, output, then <paramref name="tail"/>).</summary>
    private void RowKernel(string kernel, Tensor input, Tensor output, KernelArguments tail)
    {
        var rows = input.Shape.Rows;
        if (rows == 0)
            return;
        var x = In(input);
        device.Launch(Rows, kernel, ((uint)rows, 1, 1), (256, 1, 1), 0, new KernelArguments().ULong(x).ULong(Out(output)).Append(tail));
    }
}
