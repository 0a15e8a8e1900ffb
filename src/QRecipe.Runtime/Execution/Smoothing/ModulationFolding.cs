using System;

namespace QRecipe.Runtime.Execution.Smoothing;

/// <summary>Folding 1/s into the producer of a smoothed layer's input (docs/quantization.md), on row-major copies of
/// that producer's weight [out, in] and bias [out].</summary>
public static class ModulationFolding
{
    /// <summary>
    /// modulate(h, shift, scale) = h·(1 + scale) + shift becomes (that)/s when the adaLN rows of shift (chunk
    /// <paramref name="shiftChunk"/>) and scale (the next chunk) are rewritten: shift′ = shift/s, and
    /// 1 + scale′ = (1 + scale)/s, i.e. scale rows /s and scale bias (b + 1 − s)/s.
    /// </summary>
    public static void IntoModulation(Span<float> weight, Span<float> bias, int inFeatures, int hidden, int shiftChunk, ReadOnlySpan<float> s)
    {
        DivideRows(weight, bias, inFeatures, shiftChunk * hidden, s);
        var scaleRow = (shiftChunk + 1) * hidden;
        for (var d = 0; d < hidden; d++)
        {
            var row = weight.Slice((scaleRow + d) * inFeatures, inFeatures);
            for (var j = 0; j < row.Length; j++) row[j] /= s[d];
            bias[scaleRow + d] = (bias[scaleRow + d] + 1f - s[d]) / s[d];
        }
    }

    /// <summary>Rows first..first+len(s) of W and b divided by s: the V rows of qkv for proj's factors (attention
    /// output channel h·hd + j is linear in v row 2D + h·hd + j).</summary>
    public static void DivideRows(Span<float> weight, Span<float> bias, int inFeatures, int firstRow, ReadOnlySpan<float> s)
    {
        for (var d = 0; d < s.Length; d++)
        {
            var row = weight.Slice((firstRow + d) * inFeatures, inFeatures);
            for (var j = 0; j < row.Length; j++) row[j] /= s[d];
            bias[firstRow + d] /= s[d];
        }
    }
}
