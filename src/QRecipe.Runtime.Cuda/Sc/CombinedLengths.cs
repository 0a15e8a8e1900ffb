using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>
/// The launches of a product with a stream length per row of a and per weight group (rows of b), as
/// <see cref="Sc.ScMixedPrecision"/> combines them: output (i, j) runs at
/// min(length of row i, length of column j's group), and a pruned row or group (level −1) leaves it 0. Per distinct
/// column level, every row of a gets the level of that minimum, so each weight group is one per-row-length product
/// (<see cref="CudaScProduct.Mixed"/>) on that group's rows of b.
/// </summary>
public static class CombinedLengths
{
    /// <summary>One weight group: its rows of b (output columns) and the effective level of every row of a (−1 pruned).</summary>
    public sealed record Group(int[] Columns, int[] RowLevel);

    /// <param name="lengths">Stream length of each level.</param>
    /// <param name="rowLevel">Level of each row of a, −1 pruned.</param>
    /// <param name="columnLevel">Level of each row of b (its weight group's length), −1 pruned.</param>
    public static IReadOnlyList<Group> Plan(IReadOnlyList<int> lengths, int[] rowLevel, int[] columnLevel)
    {
        Check(lengths, rowLevel, "row");
        Check(lengths, columnLevel, "column");
        var groups = new List<Group>();
        for (var level = 0; level < lengths.Count; level++)
        {
            var columns = Enumerable.Range(0, columnLevel.Length).Where(j => columnLevel[j] == level).ToArray();
            if (columns.Length == 0)
                continue;
            var effective = new int[rowLevel.Length];
            for (var i = 0; i < rowLevel.Length; i++)
                effective[i] = rowLevel[i] < 0 ? -1 : lengths[rowLevel[i]] <= lengths[level] ? rowLevel[i] : level;
            groups.Add(new Group(columns, effective));
        }

        return groups;
    }

    private static void Check(IReadOnlyList<int> lengths, int[] levels, string what)
    {
        for (var i = 0; i < levels.Length; i++)
        {
            if (levels[i] < -1 || levels[i] >= lengths.Count)
                throw new ArgumentOutOfRangeException(nameof(levels), levels[i], $"{what} {i}: level must be -1 (pruned) or below {lengths.Count}");
        }
    }
}
