using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Interop;

/// <summary>Writes a set of indices as the shortest recipe selector: <c>all</c>, ranges and lists
/// (<c>0..13, 20</c>), or <c>all except …</c> when the complement is shorter.</summary>
public static class IndexSelector
{
    public static string Write(IReadOnlyCollection<int> indices, int count)
    {
        if (indices.Count == count)
            return "all";
        var direct = Runs(indices.OrderBy(i => i));
        var complement = Enumerable.Range(0, count).Except(indices).ToList();
        var except = "all except " + Runs(complement);
        return except.Length < direct.Length ? except : direct;
    }

    private static string Runs(IEnumerable<int> sorted)
    {
        var parts = new List<string>();
        int? start = null, end = null;
        foreach (var index in sorted)
        {
            if (end == index - 1)
            {
                end = index;
                continue;
            }
            if (start is { } s)
                parts.Add(Run(s, end!.Value));
            start = end = index;
        }
        if (start is { } last)
            parts.Add(Run(last, end!.Value));
        return string.Join(", ", parts);
    }

    private static string Run(int start, int end) => start == end ? $"{start}" : $"{start}..{end}";
}
