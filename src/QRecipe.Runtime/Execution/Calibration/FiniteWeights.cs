using System;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>Refuses a model with a NaN or infinite parameter before calibration samples from it. Otherwise the
/// non-finite value would surface as a bad calibration activation of some later layer, and the error would name that
/// layer instead of the corrupt one.</summary>
internal static class FiniteWeights
{
    public static void Check(DitWeights weights)
    {
        Check(weights.Patch);
        Check(weights.TimeMlp0);
        Check(weights.TimeMlp2);
        Check("y_embedder.embedding_table", "weight", weights.LabelTable.AsReadOnlySpan<float>(), weights.Model.Hidden);
        foreach (var block in weights.Blocks)
        {
            Check(block.AdaLN);
            Check(block.Qkv);
            Check(block.Proj);
            Check(block.Fc1);
            Check(block.Fc2);
        }
        Check(weights.FinalAdaLN);
        Check(weights.FinalLinear);
    }

    private static void Check(LinearWeights layer)
    {
        Check(layer.Name, "weight", layer.Weight.AsReadOnlySpan<float>(), layer.InFeatures);
        Check(layer.Name, "bias", layer.Bias.AsReadOnlySpan<float>(), layer.OutFeatures);
    }

    /// <summary>The vectorised min/max pass finds out whether anything is wrong; only then is the first bad value
    /// located (DiT-XL/2 has 675 M parameters).</summary>
    private static void Check(string layer, string what, ReadOnlySpan<float> values, int cols)
    {
        if (!UniformKernels.MinMax(values, out _, out _))
            QuantGuard.Finite(layer, what, values, cols);
    }
}
