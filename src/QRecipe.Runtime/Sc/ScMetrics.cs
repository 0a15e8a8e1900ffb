using System;

namespace QRecipe.Runtime.Sc;

/// <summary>The per-operator row metrics that rank rows for mixed precision (docs/sc-engine.md).</summary>
public static class ScMetrics
{
    /// <summary>Linear layers (x_row_max) and QK heads (max |Q_h| over a head's rows and columns): max |x| per
    /// block of <paramref name="rowsPerUnit"/> rows.</summary>
    public static float[] MaxAbs(ReadOnlySpan<float> x, int rows, int columns, int rowsPerUnit = 1)
    {
        var units = new float[rows / rowsPerUnit];
        for (var r = 0; r < rows; r++)
        {
            foreach (var v in x.Slice(r * columns, columns))
                units[r / rowsPerUnit] = Math.Max(units[r / rowsPerUnit], Math.Abs(v));
        }

        return units;
    }

    /// <summary>AV rows (attn_row_max): the largest attention probability of each row.</summary>
    public static float[] RowMax(ReadOnlySpan<float> x, int rows, int columns)
    {
        var result = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var max = float.NegativeInfinity;
            foreach (var v in x.Slice(r * columns, columns))
                max = Math.Max(max, v);
            result[r] = max;
        }

        return result;
    }
}
