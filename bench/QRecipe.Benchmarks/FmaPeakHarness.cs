using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Benchmarks;

/// <summary>
/// Measures the machine's float32 FMA peak: one thread per core runs 12 independent FMA chains of the widest vector
/// (12 chains cover 4-cycle latency × up to 2 issues per cycle plus slack), so the loop is bound by FMA throughput only.
/// Prints "fma-peak all-cores GFLOP/s".
/// </summary>
public static class FmaPeakHarness
{
    private const long Iterations = 50_000_000;

    public static void Run()
    {
        var best = 0.0;
        for (var round = 0; round < 3; round++)
        {
            var results = new float[Environment.ProcessorCount];
            var watch = Stopwatch.StartNew();
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i => results[i] = Chains());
            var flops = 2.0 * results.Length * Iterations * 12 * Vector512<float>.Count;
            best = Math.Max(best, flops / watch.Elapsed.TotalSeconds / 1e9);
            GC.KeepAlive(results);
        }

        Console.WriteLine($"fma-peak all-cores {best:F1}");
    }

    private static float Chains()
    {
        var x = Vector512.Create(1.000001f);
        var y = Vector512.Create(0.999999f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (var i = 0L; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(x, y, a0);
            a1 = Vector512.FusedMultiplyAdd(x, y, a1);
            a2 = Vector512.FusedMultiplyAdd(x, y, a2);
            a3 = Vector512.FusedMultiplyAdd(x, y, a3);
            a4 = Vector512.FusedMultiplyAdd(x, y, a4);
            a5 = Vector512.FusedMultiplyAdd(x, y, a5);
            a6 = Vector512.FusedMultiplyAdd(x, y, a6);
            a7 = Vector512.FusedMultiplyAdd(x, y, a7);
            a8 = Vector512.FusedMultiplyAdd(x, y, a8);
            a9 = Vector512.FusedMultiplyAdd(x, y, a9);
            a10 = Vector512.FusedMultiplyAdd(x, y, a10);
            a11 = Vector512.FusedMultiplyAdd(x, y, a11);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
}
