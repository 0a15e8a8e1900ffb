using System;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Runtime.Sc.MixedPrecision;

/// <summary>Assignment of rows and weight groups to stream-length levels for mixed precision (docs/sc-engine.md).</summary>
public static class ScRowClassifier
{
    /// <summary>
    /// Fixed quantile buckets (<c>classify_rows_by_metric</c>): rows sorted by metric descending (ties keep row
    /// order; scmp's unstable argsort leaves them unspecified), level i &lt; last takes round_half_even(fraction_i·N)
    /// rows, clamped to what is left, and the last level the rest. Returns the level index of every row.
    /// </summary>
    public static int[] ClassifyRows(ReadOnlySpan<float> metric, ReadOnlySpan<double> fractions)
    {
        if (fractions.Length == 0)
            throw new ArgumentException("at least one level fraction is needed", nameof(fractions));
        if (Math.Abs(fractions.ToArray().Sum() - 1) > 1e-6)
            throw new ArgumentException($"level fractions must sum to 1 (±1e-6), not {fractions.ToArray().Sum()}", nameof(fractions));
        var values = metric.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ToArray();
        var levels = new int[values.Length];
        var offset = 0;
        for (var level = 0; level < fractions.Length; level++)
        {
            var remaining = values.Length - offset;
            var count = level < fractions.Length - 1
                ? Math.Clamp((int)Math.Round(fractions[level] * values.Length, MidpointRounding.ToEven), 0, remaining)
                : remaining;
            for (var k = offset; k < offset + count; k++)
                levels[order[k]] = level;
            offset += count;
        }

        return levels;
    }

    /// <summary>
    /// Adaptive threshold classes (scmp's α·progress + β rule): the metric min-max normalised to m̂ in [0, 1] (a range
    /// below 1e-8 puts every row at level 0), θ = min(<paramref name="threshold"/>, 0.95), and level
    /// <see cref="LevelBelow"/>(m̂, θ, levels): rows with m̂ ≥ θ at level 0, the rest evenly over the other levels by m̂.
    /// Returns the level index of every row.
    /// </summary>
    public static int[] ClassifyByThreshold(ReadOnlySpan<float> metric, double threshold, int levelCount)
    {
        if (levelCount < 2)
            throw new ArgumentException("threshold classes need at least two levels", nameof(levelCount));
        var levels = new int[metric.Length];
        if (metric.Length == 0)
            return levels;
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var m in metric)
        {
            low = Math.Min(low, m);
            high = Math.Max(high, m);
        }
        if (high - low < 1e-8)
            return levels;
        var capped = ThresholdClasses.Cap(threshold);
        for (var i = 0; i < metric.Length; i++)
            levels[i] = LevelBelow((metric[i] - low) / (high - low), capped, levelCount);
        return levels;
    }

    /// <summary>
    /// The level of a normalised value <paramref name="normalized"/> under a capped threshold θ among
    /// <paramref name="levelCount"/> = n levels: the boundaries b_k = θ·(n − 1 − k)/(n − 1), k = 0 … n − 2, cut [0, θ)
    /// into n − 1 equal parts, and the level is #{k : value &lt; b_k}, so a value ≥ θ is level 0 and the lowest part
    /// the last level.
    /// </summary>
    public static int LevelBelow(double normalized, double threshold, int levelCount)
    {
        var level = 0;
        for (var k = 0; k < levelCount - 1; k++)
        {
            if (normalized < threshold * (levelCount - 1 - k) / (levelCount - 1))
                level++;
        }
        return level;
    }

    /// <summary>
    /// Range MP for weight groups (<c>classify_groups_by_range</c>): groups of <paramref name="groupSize"/>
    /// consecutive output rows (≤ 0 or ≥ rows: one group; otherwise it must divide the rows), r̂ = normalized
    /// max − min per group ((r − min)/(max − min + 1e-8)), level <see cref="LevelBelow"/>(r̂, min(threshold, 0.95)).
    /// Returns the stream length of every group.
    /// </summary>
    public static int[] ClassifyGroupsByRange(ReadOnlySpan<float> w, int rows, int columns, int groupSize, ReadOnlySpan<int> levels,
        double threshold = RangeMixedPrecision.DefaultThreshold)
    {
        if (levels.Length < 2)
            throw new ArgumentException("range MP needs at least two levels", nameof(levels));
        if (groupSize <= 0 || groupSize >= rows)
            groupSize = rows;
        if (rows % groupSize != 0)
            throw new ArgumentException($"group size {groupSize} does not divide the {rows} output rows", nameof(groupSize));
        var groups = rows / groupSize;
        var ranges = new double[groups];
        for (var g = 0; g < groups; g++)
        {
            var slice = w.Slice(g * groupSize * columns, groupSize * columns);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (var v in slice)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            ranges[g] = (double)max - min;
        }

        double low = ranges.Min(), high = ranges.Max();
        var t = ThresholdClasses.Cap(threshold);
        var result = new int[groups];
        for (var g = 0; g < groups; g++)
            result[g] = levels[LevelBelow((ranges[g] - low) / (high - low + 1e-8), t, levels.Length)];

        return result;
    }
}
