using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace QRecipe.Benchmarks;

/// <summary>
/// The DiT forward of bench/peers/torch_dit.py, in the same output format ("model variant milliseconds"), for
/// bench/run-dit-comparison.sh. The float forward and the W4A8 recipe alternate call by call (after one warm-up
/// each) for at least 3 pairs, so a machine whose load drifts slows both alike; printed are the median of each, the
/// median of the per-pair ratios W4A8/float, and the process's peak working set.
/// </summary>
public static class DitPeerHarness
{
    public static void Run(string[] models, double secondsPerModel)
    {
        foreach (var name in models)
        {
            using var model = new DitBenchModel(name);
            model.FloatForward();
            model.W4A8Forward();
            var fp = new List<double>();
            var w4a8 = new List<double>();
            var total = Stopwatch.StartNew();
            while (fp.Count < 3 || (total.Elapsed.TotalSeconds < secondsPerModel && fp.Count < 1000))
            {
                fp.Add(HarnessTiming.Seconds(() => model.FloatForward()));
                w4a8.Add(HarnessTiming.Seconds(() => model.W4A8Forward()));
            }
            Console.WriteLine($"{name} fp {HarnessTiming.Median(fp) * 1e3:F1}");
            Console.WriteLine($"{name} w4a8 {HarnessTiming.Median(w4a8) * 1e3:F1}");
            Console.WriteLine($"{name} w4a8_over_fp {HarnessTiming.Median(w4a8.Zip(fp, (q, f) => q / f).ToList()):F3}");
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"{name} peak_mb {process.PeakWorkingSet64 / 1048576.0:F0}");
        }
    }
}
