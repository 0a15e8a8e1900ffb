using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary><see cref="ActivationQuantizer"/> on the host copies of the tensors (the CPU workers).</summary>
public sealed class HostActivationFakeQuantizer : IActivationFakeQuantizer
{
    public static HostActivationFakeQuantizer Instance { get; } = new();

    private HostActivationFakeQuantizer()
    {
    }

    public void FakeQuantize(Tensor input, Tensor destination, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer) =>
        ActivationQuantizer.FakeQuantize(input.AsReadOnlySpan<float>(), destination.AsSpan<float>(), rows, cols, setting, range, layer);
}
