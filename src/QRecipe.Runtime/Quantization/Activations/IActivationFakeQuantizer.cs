using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>Where a run fake-quantizes activations: on the host (<see cref="HostActivationFakeQuantizer"/>) or on a
/// GPU next to the tensors. Every implementation gives the bits of <see cref="ActivationQuantizer.FakeQuantize(System.ReadOnlySpan{float}, System.Span{float}, int, int, ActivationQuant, StaticRange?, string)"/>.</summary>
public interface IActivationFakeQuantizer
{
    /// <summary>destination = fake-quantized input, viewed as [rows, cols]; <paramref name="layer"/> names layer and step in errors.</summary>
    void FakeQuantize(Tensor input, Tensor destination, int rows, int cols, ActivationQuant setting, StaticRange? range, string layer);
}
