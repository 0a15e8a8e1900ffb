using System;

namespace QRecipe.Runtime.Quantization.Smoothing;

/// <summary>Channel-balancing factors in the activation-exponent convention (docs/quantization.md, "Smoothing"):
/// a_j = max(act_j, ε), w_j = max(max_i |W[i, j]|, ε), s_j = max(a_j^α / w_j^(1−α), ε), computed in float64.
/// SmoothQuant/scmp use ε = 1e-5; DiTAS ε = 1e-4 with w from the quantized weight.</summary>
public static class SmoothingScales
{
    public const float SmoothQuantEpsilon = 1e-5f;
    public const float DitasEpsilon = 1e-4f;

    public static float[] Compute(ReadOnlySpan<float> activationMax, ReadOnlySpan<float> weight, int outFeatures, int inFeatures,
        double alpha, float epsilon, string layer)
    {
        if (!(alpha >= 0 && alpha <= 1)) throw new QuantizationException(layer, $"smoothing alpha {alpha} outside [0, 1]");
        QuantGuard.Shape(layer, weight.Length, outFeatures, inFeatures);
        if (activationMax.Length != inFeatures)
            throw new QuantizationException(layer, $"{activationMax.Length} activation maxima for {inFeatures} input channels");
        QuantGuard.Finite(layer, "activation maximum", activationMax, inFeatures);
        QuantGuard.Finite(layer, "weight", weight, inFeatures);

        var columnMax = ColumnAbsMax(weight, outFeatures, inFeatures);
        var s = new float[inFeatures];
        for (var j = 0; j < inFeatures; j++)
        {
            var a = Math.Max(activationMax[j], epsilon);
            var w = Math.Max(columnMax[j], epsilon);
            s[j] = (float)Math.Max(Math.Pow(a, alpha) / Math.Pow(w, 1 - alpha), epsilon);
        }
        return s;
    }

    /// <summary>w_j = max over output rows of |W[i, j]|.</summary>
    public static float[] ColumnAbsMax(ReadOnlySpan<float> weight, int outFeatures, int inFeatures)
    {
        var max = new float[inFeatures];
        for (var i = 0; i < outFeatures; i++)
        {
            var row = weight.Slice(i * inFeatures, inFeatures);
            for (var j = 0; j < inFeatures; j++) max[j] = MathF.Max(max[j], MathF.Abs(row[j]));
        }
        return max;
    }
}
