using System;

namespace QRecipe.Runtime.Quantization.Smoothing;

/// <summary>Applying factors s (docs/quantization.md): y = (x/s)·(W·diag(s))ᵀ equals x·Wᵀ. The weight side is folded
/// once; the activation side either upstream (1/s into adaLN shift/scale or V rows, done by the model wiring)
/// or on the fly (fc2).</summary>
public static class SmoothFolding
{
    /// <summary>W[:, j] ← W[:, j]·s_j in place, W [out, in].</summary>
    public static void ScaleColumns(Span<float> weight, int outFeatures, int inFeatures, ReadOnlySpan<float> s)
    {
        if (s.Length != inFeatures || weight.Length != outFeatures * inFeatures)
            throw new ArgumentException($"weight [{outFeatures}, {inFeatures}] and {s.Length} factors do not match");
        for (var i = 0; i < outFeatures; i++)
        {
            var row = weight.Slice(i * inFeatures, inFeatures);
            for (var j = 0; j < inFeatures; j++) row[j] *= s[j];
        }
    }

    /// <summary>x[:, j] ← x[:, j]/s_j in place, x [rows, cols].</summary>
    public static void DivideColumns(Span<float> x, int rows, int cols, ReadOnlySpan<float> s)
    {
        if (s.Length != cols || x.Length != rows * cols)
            throw new ArgumentException($"activations [{rows}, {cols}] and {s.Length} factors do not match");
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            for (var j = 0; j < cols; j++) row[j] /= s[j];
        }
    }

    /// <summary>1/s, the factor the upstream producer of the activations absorbs.</summary>
    public static float[] Reciprocal(ReadOnlySpan<float> s)
    {
        var result = new float[s.Length];
        for (var j = 0; j < s.Length; j++) result[j] = 1f / s[j];
        return result;
    }
}
