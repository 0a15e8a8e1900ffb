using System;
using System.Collections.Generic;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>DiTAS temporal-aggregated channel maxima (docs/quantization.md): a per-step channel abs-max, aggregated
/// as the element-wise maximum over steps, floored at 1e-4. Keeping each step's vector (steps × channels floats)
/// lets a caller aggregate over a subset, e.g. one step range.</summary>
public sealed class TemporalChannelMax
{
    public const float Floor = 1e-4f;

    private readonly SortedDictionary<int, ChannelAbsMax> perStep = new();

    public TemporalChannelMax(int channels)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be positive");
        Channels = channels;
    }

    public int Channels { get; }

    public IEnumerable<int> Steps => perStep.Keys;

    public void Observe(int step, ReadOnlySpan<float> x, int rows, string layer)
    {
        if (!perStep.TryGetValue(step, out var stats)) perStep[step] = stats = new ChannelAbsMax(Channels);
        stats.Observe(x, rows, $"{layer} step {step}");
    }

    /// <summary>max over <paramref name="steps"/> (all observed steps when null) of the per-step maxima, ≥ 1e-4.</summary>
    public float[] Aggregate(string layer, IEnumerable<int>? steps = null)
    {
        var result = new float[Channels];
        Array.Fill(result, Floor);
        var any = false;
        foreach (var step in steps ?? perStep.Keys)
        {
            if (!perStep.TryGetValue(step, out var stats))
                throw new QuantizationException(layer, $"no calibration statistics at step {step}");
            var m = stats.Max;
            for (var j = 0; j < result.Length; j++) result[j] = MathF.Max(result[j], m[j]);
            any = true;
        }
        if (!any) throw new QuantizationException(layer, "smoothing requested but calibration produced no data");
        return result;
    }
}
