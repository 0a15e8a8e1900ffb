using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>Operations left on the CPU backend: with host-resident tensors they are memory moves (concat, split,
/// copy, fill), run once per model (the positional table) or reduce a whole tensor to one number.</summary>
public sealed partial class CudaBackend
{
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor output) => Cpu.Concat(inputs, axis, output);

    public void Split(Tensor input, int axis, IReadOnlyList<Tensor> outputs) => Cpu.Split(input, axis, outputs);

    public void Copy(Tensor source, Tensor destination) => Cpu.Copy(source, destination);

    public void Fill(Tensor tensor, double value) => Cpu.Fill(tensor, value);

    public void SinCosPositionalEmbedding(int gridSize, Tensor output) => Cpu.SinCosPositionalEmbedding(gridSize, output);

    public float AbsMax(Tensor input) => Cpu.AbsMax(input);

    public float Mean(Tensor input) => Cpu.Mean(input);

    public float Variance(Tensor input) => Cpu.Variance(input);
}
