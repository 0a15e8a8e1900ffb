using System;
using System.Collections.Generic;

namespace QRecipe.Runtime.Execution.Calibration;

/// <summary>
/// The layer inputs DiTAS's α search scores against (the inputs at the first 50 captured steps;
/// docs/quantization.md). Keeping whole inputs of every step would grow with the samples; here each layer keeps
/// at most <see cref="FloatsPerLayer"/> floats: per step (the first <see cref="MaxSteps"/> calibrated ones) an evenly
/// strided subset of the rows of the first batch that reaches it, so memory is bounded by layers × 4 MiB whatever
/// the number of samples.
/// </summary>
public sealed class SearchInputs
{
    public const int MaxSteps = 50;

    public const int FloatsPerLayer = 1 << 20;

    private readonly SortedDictionary<int, float[]> _perStep = new();
    private readonly int _columns;
    private readonly int _rowsPerStep;

    public SearchInputs(int columns, int calibratedSteps)
    {
        _columns = columns;
        _rowsPerStep = Math.Max(1, FloatsPerLayer / (columns * Math.Clamp(calibratedSteps, 1, MaxSteps)));
    }

    /// <summary>Inputs per kept step, in step order.</summary>
    public IReadOnlyList<float[]> Steps => new List<float[]>(_perStep.Values);

    public long RetainedFloats
    {
        get
        {
            long total = 0;
            foreach (var rows in _perStep.Values)
                total += rows.Length;
            return total;
        }
    }

    public void Observe(int step, ReadOnlySpan<float> x, int rows)
    {
        // Steps arrive in sampling order, so once MaxSteps are kept every later step is past the first 50.
        if (_perStep.Count == MaxSteps || _perStep.ContainsKey(step))
            return;
        var keep = Math.Min(rows, _rowsPerStep);
        var copy = new float[keep * _columns];
        for (var i = 0; i < keep; i++)
        {
            var row = (int)((long)i * rows / keep);
            x.Slice(row * _columns, _columns).CopyTo(copy.AsSpan(i * _columns, _columns));
        }
        _perStep[step] = copy;
    }
}
