using System;
using System.Collections.Generic;

namespace QRecipe.Language.Text;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
public static class Suggestions
{
    /// <summary>The closest candidate within an edit distance of about a third of the word, or null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var lower = word.ToLowerInvariant();
        var allowed = Math.Max(1, (word.Length + 2) / 3);
        foreach (var candidate in candidates)
        {
            // The distance is at least the length difference: such a candidate can never be suggested, and skipping
            // it keeps a pasted 10,000-character word from costing a quadratic table per candidate.
            if (Math.Abs(candidate.Length - lower.Length) > allowed)
                continue;
            var distance = Distance(lower, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best is not null && bestDistance <= allowed && best != word ? best : null;
    }

    /// <summary>Suffix for a message: <c> (did you mean 'x'?)</c>, or empty.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var closest = Closest(word, candidates);
        return closest is null ? string.Empty : $" (did you mean '{closest}'?)";
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
