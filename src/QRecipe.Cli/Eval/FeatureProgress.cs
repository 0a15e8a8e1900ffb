using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace QRecipe.Cli.Eval;

/// <summary>Progress lines of feature extraction: at most one every two seconds, and always the last.</summary>
internal sealed class FeatureProgress(TextWriter output, string what, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastPrinted = double.NegativeInfinity;

    public void Report(int done)
    {
        double now = _clock.Elapsed.TotalSeconds;
        if (done < total && now - _lastPrinted < 2)
            return;
        _lastPrinted = now;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {done}/{total} images ({100.0 * done / Math.Max(total, 1):0}%), {now:0.0} s"));
    }
}
