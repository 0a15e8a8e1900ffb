using System;
using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>
/// The uniform methods (rtn, mse, uaq) on the host, written straight into the tensor a run multiplies by: each group's
/// grid as <see cref="WeightQuantizer"/> chooses it, then the fake-quantize step, so no integer codes and no managed
/// copy of the values are made (8 bytes a weight that <see cref="WeightQuantizer.Quantize"/> allocates for the codes
/// and the dequantized array, which a DiT-XL/2 run would otherwise churn through the garbage collector). The values
/// and the report are <see cref="WeightQuantizer"/>'s exactly. GPTQ and the k-means codebooks go through
/// <see cref="WeightQuantizer"/>.
/// </summary>
public sealed class HostWeightFakeQuantizer : IWeightFakeQuantizer
{
    public static HostWeightFakeQuantizer Instance { get; } = new();

    private HostWeightFakeQuantizer()
    {
    }

    public string? Declines(WeightQuant setting) =>
        setting.Method is WeightMethod.Rtn or WeightMethod.Mse or WeightMethod.Uaq ? null : $"{WeightQuant.MethodText(setting.Method)} (not a uniform grid per group)";

    public (Tensor Values, WeightQuantReport Report) FakeQuantize(Tensor weight, int outFeatures, int inFeatures, WeightQuant setting, string layer)
    {
        if (Declines(setting) is { } reason)
            throw new NotSupportedException($"{layer}: {reason} is quantized by WeightQuantizer");
        var w = weight.AsReadOnlySpan<float>();
        var length = WeightQuantizer.GroupLength(w.Length, outFeatures, inFeatures, setting, layer);
        QuantGuard.Finite(layer, "weight", w, inFeatures);
        var values = Tensor.Empty(new TensorShape(outFeatures, inFeatures));
        var q = values.AsSpan<float>();
        var groups = w.Length / length;
        for (var g = 0; g < groups; g++)
        {
            var group = w.Slice(g * length, length);
            UniformKernels.FakeQuantize(group, q.Slice(g * length, length), WeightQuantizer.UniformGridOf(group, setting));
        }
        var overhead = groups * (setting.Symmetric ? 1L : 2L);
        return (values, new WeightQuantReport(layer, setting, w.Length, overhead, WeightQuantizer.RelativeError(w, q)));
    }
}
