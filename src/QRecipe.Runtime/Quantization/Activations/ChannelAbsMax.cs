using System;
using System.Numerics;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>Running per-input-channel abs-max of a layer's inputs: a_j = max over every row seen of |x[·, j]|
/// (SmoothQuant's accumulate_act_scales; DiTAS keeps one per step). Memory: one float per channel.</summary>
public sealed class ChannelAbsMax
{
    private readonly float[] max;

    public ChannelAbsMax(int channels)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be positive");
        max = new float[channels];
    }

    public int Channels => max.Length;

    public ReadOnlySpan<float> Max => max;

    public void Observe(ReadOnlySpan<float> x, int rows, string layer)
    {
        QuantGuard.Shape(layer, x.Length, rows, max.Length);
        QuantGuard.Finite(layer, "calibration activation", x, max.Length);
        var n = max.Length;
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * n, n);
            var j = 0;
            for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
                Vector.Max(new Vector<float>(max.AsSpan(j)), Vector.Abs(new Vector<float>(row[j..]))).CopyTo(max.AsSpan(j));
            for (; j < n; j++) max[j] = MathF.Max(max[j], MathF.Abs(row[j]));
        }
    }
}
