using System;
using System.Linq;

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
    /// Range MP for weight groups (<c>classify_groups_by_range</c>): groups of <paramref name="groupSize"/>
    /// consecutive output rows (≤ 0 or ≥ rows: one group; otherwise it must divide the rows), r̂ = normalized
    /// max − min per group, boundaries b_k = min(threshold, 0.95)·(n−1−k)/(n−1), level = #{k : r̂ &lt; b_k}.
    /// Returns the stream length of every group.
    /// </summary>
    public static int[] ClassifyGroupsByRange(ReadOnlySpan<float> w, int rows, int columns, int groupSize, ReadOnlySpan<int> levels,
        double threshold = 0.3)
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
        var t = Math.Min(threshold, 0.95);
        var n = levels.Length;
        var result = new int[groups];
        for (var g = 0; g < groups; g++)
        {
            var normalized = (ranges[g] - low) / (high - low + 1e-8);
            var level = 0;
            for (var k = 0; k < n - 1; k++)
            {
                if (normalized < t * (n - 1 - k) / (n - 1))
                    level++;
            }

            result[g] = levels[level];
        }

        return result;
    }
}
