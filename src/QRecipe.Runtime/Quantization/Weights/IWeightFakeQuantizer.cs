using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Where a run makes the quantized versions of its weights when a device can: on the GPU that holds them, so
/// a weight made there never crosses to the host and back. A setting it declines, and every setting on the CPU, goes
/// through <see cref="WeightQuantizer"/>; what it makes is <see cref="WeightQuantizer"/>'s dequantized values bit for
/// bit, and its report differs at most in the last digits of the relative error (the sums run in another order).</summary>
public interface IWeightFakeQuantizer
{
    /// <summary>Why the device leaves <paramref name="setting"/> to the host; null when it quantizes it.</summary>
    string? Declines(WeightQuant setting);

    /// <summary>The quantize-dequantized W [out, in] as a new tensor the caller owns, and its report; throws
    /// <see cref="QuantizationException"/> as <see cref="WeightQuantizer.Quantize"/> does (a non-finite weight named by its
    /// position, a group that does not fit).</summary>
    (Tensor Values, WeightQuantReport Report) FakeQuantize(Tensor weight, int outFeatures, int inFeatures, WeightQuant setting, string layer);
}
