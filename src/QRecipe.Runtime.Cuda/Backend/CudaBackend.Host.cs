using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>Operations left on the CPU backend: the positional table is made once per model, and whole-tensor
/// statistics reduce to one number (reading the host copy leaves the device copy valid).</summary>
public sealed partial class CudaBackend
{
    public void SinCosPositionalEmbedding(int gridSize, Tensor output) => Cpu.SinCosPositionalEmbedding(gridSize, output);

    public float AbsMax(Tensor input) => Cpu.AbsMax(input);

    public float Mean(Tensor input) => Cpu.Mean(input);

    public float Variance(Tensor input) => Cpu.Variance(input);
}
