using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace QRecipe.Benchmarks;

/// <summary>What the interleaved peer harnesses share: one call timed in seconds, and the median of a round's times
/// (the upper median for an even count, so a single slow call in a short round cannot pull it down).</summary>
internal static class HarnessTiming
{
    public static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
