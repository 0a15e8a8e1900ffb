using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using QRecipe.Interop.Layers;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Vidit;

/// <summary>The ways ViDiT-Q selects layers by name (docs/interop.md): the legacy segment pattern (whole dot-separated
/// segments, contiguous, anywhere in the name; <c>*</c> any segment, <c>[a-b]</c> an integer range) and the 2025
/// layout's unanchored regular expression (Python <c>re.search</c>).</summary>
public static class ViditMatchers
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);

    public static List<DitLayer> Segment(string pattern, DitLayerNames names) =>
        names.Layers.Where(l => SegmentMatches(pattern, l.Name) || SegmentMatches(pattern, "model." + l.Name)).ToList();

    private static bool SegmentMatches(string pattern, string name)
    {
        var want = pattern.Split('.');
        var have = name.Split('.');
        for (var start = 0; start + want.Length <= have.Length; start++)
        {
            var all = true;
            for (var i = 0; i < want.Length && all; i++)
                all = SegmentEquals(want[i], have[start + i]);
            if (all)
                return true;
        }
        return false;
    }

    private static bool SegmentEquals(string want, string have)
    {
        if (want == "*" || want == have)
            return true;
        if (want.Length > 4 && want[0] == '[' && want[^1] == ']' && want.IndexOf('-') is var dash and > 1
            && int.TryParse(want[1..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && int.TryParse(want[(dash + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            && int.TryParse(have, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index >= low && index <= high;
        return false;
    }

    /// <summary>The layers a Python regular expression finds anywhere in their name. .NET and Python agree on the
    /// syntax these files use; a pattern .NET cannot read, or one that runs past a second, is refused.</summary>
    public static List<DitLayer> Regex(string pattern, DitLayerNames names, string file, int line)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, s_timeout);
        }
        catch (ArgumentException e)
        {
            throw new InteropException($"{file}: line {line}: the regular expression {SafeText.Quote(pattern)} is not valid: {SafeText.Escape(e.Message, 120)}");
        }
        try
        {
            return names.Layers.Where(l => regex.IsMatch(l.Name)).ToList();
        }
        catch (RegexMatchTimeoutException)
        {
            throw new InteropException($"{file}: line {line}: the regular expression {SafeText.Quote(pattern)} takes over a second on one layer name");
        }
    }
}
