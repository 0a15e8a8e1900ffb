using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using QRecipe.Runtime.Execution;

namespace QRecipe.Benchmarks;

/// <summary>
/// Our DiT forward against ONNX Runtime on bench/peers/onnx_export.py's export of the same architecture, for
/// bench/run-ort-comparison.sh ("model what value" lines). Per model, first the peak memory of each side in a child
/// process of its own (<c>peer-ort-memory</c>: VmHWM after three forwards, so peaks do not mix), then the timing in
/// rounds of our float forward, our W4A8 forward and ONNX Runtime's float forward, for at least 3 rounds, so load that
/// drifts slows all three alike. Each side's turn in a round is an untimed call and then the timed one, back to back
/// as a sampling loop calls a forward: ONNX Runtime's intra-op threads spin for a while after each of its calls (its
/// default), and a forward of ours started right after one shares the two cores with them (DiT-S/2, quiet: 110.1 ms
/// right after an ONNX Runtime call, 109.3 ms 5 ms after it, 87.9 ms after a forward of our own, while ONNX Runtime
/// read 102–103 ms in every position), which the untimed call absorbs, for every side alike. Printed are each side's
/// median and the medians of the per-round ratios ort/ours (above 1: ours is faster). ONNX Runtime runs its float
/// model against our W4A8 too: its own quantized path needs the onnx and onnxruntime Python tools, which this machine
/// does not have.
/// </summary>
public static class OrtDitHarness
{
    public static readonly string[] Sides = ["ours-fp", "ours-w4a8", "ort-fp"];

    public static void Run(string[] models, double secondsPerModel, string cache)
    {
        foreach (var name in models)
        {
            foreach (var side in Sides)
                ChildPeak(name, side, cache);
            using var ours = new DitBenchModel(name);
            using var ort = OrtDit.Open(cache, name);
            ours.FloatForward();
            ours.W4A8Forward();
            ort.Run();
            var fp = new List<double>();
            var w4a8 = new List<double>();
            var peer = new List<double>();
            var total = Stopwatch.StartNew();
            while (fp.Count < 3 || (total.Elapsed.TotalSeconds < secondsPerModel && fp.Count < 1000))
            {
                fp.Add(SteadyRun(() => ours.FloatForward()));
                w4a8.Add(SteadyRun(() => ours.W4A8Forward()));
                peer.Add(SteadyRun(ort.Run));
            }
            Console.WriteLine($"{name} ours_fp_ms {HarnessTiming.Median(fp) * 1e3:F1}");
            Console.WriteLine($"{name} ours_w4a8_ms {HarnessTiming.Median(w4a8) * 1e3:F1}");
            Console.WriteLine($"{name} ort_fp_ms {HarnessTiming.Median(peer) * 1e3:F1}");
            Console.WriteLine($"{name} ort_over_ours_fp {HarnessTiming.Median(peer.Zip(fp, (o, f) => o / f).ToList()):F3}");
            Console.WriteLine($"{name} ort_over_ours_w4a8 {HarnessTiming.Median(peer.Zip(w4a8, (o, q) => o / q).ToList()):F3}");
            Console.WriteLine($"{name} rounds {fp.Count}");
        }
    }

    /// <summary>One side's turn in a round: a call that absorbs whatever the previous side left running, then the
    /// timed call.</summary>
    private static double SteadyRun(Action call)
    {
        call();
        return HarnessTiming.Seconds(call);
    }

    /// <summary>One side alone in this process: three forwards, then the peak resident set.</summary>
    public static void Peak(string name, string side, string cache)
    {
        switch (side)
        {
            case "ours-fp":
                using (var ours = new DitBenchModel(name, withW4A8: false))
                    for (var i = 0; i < 3; i++)
                        ours.FloatForward();
                break;
            case "ours-w4a8":
                using (var ours = new DitBenchModel(name, withFloat: false))
                    for (var i = 0; i < 3; i++)
                        ours.W4A8Forward();
                break;
            case "ort-fp":
                using (var ort = OrtDit.Open(cache, name))
                    for (var i = 0; i < 3; i++)
                        ort.Run();
                break;
            default:
                throw new ArgumentException($"{side}: not one of {string.Join(", ", Sides)}");
        }
        Console.WriteLine($"{name} peak_mb_{side} {(PeakMemory.Bytes() / 1048576.0):F0}");
    }

    private static void ChildPeak(string name, string side, string cache)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in Environment.GetCommandLineArgs().Take(1).Where(a => a.EndsWith(".dll", StringComparison.Ordinal)))
            start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "peer-ort-memory", name, side, cache })
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        Console.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"peer-ort-memory {name} {side} exited with {child.ExitCode}");
    }
}
