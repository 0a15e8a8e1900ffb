using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace QRecipe.Language.Tuning;

/// <summary>Index lists in selector form.</summary>
public static class IndexRanges
{
    /// <summary><c>0..3, 7</c>: sorted distinct values as ranges, a valid block, step or head selector.</summary>
    public static string Of(IEnumerable<int> values)
    {
        var sorted = values.Distinct().OrderBy(v => v).ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
                j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}..{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
