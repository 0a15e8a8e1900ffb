using System;
using System.Diagnostics;
using System.Linq;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>The rate a run's estimate (<see cref="RunCostEstimate"/>) turns work into time with: the median of a few
/// timed DiT-shaped linear layers (512 token rows, 1152 inputs, 1152 outputs: a guided DiT-XL/2 sample's proj) on the
/// run's backend, after one untimed call that packs and warms. The operands are drawn on the backend (a GPU's never
/// cross from the host), and each timed call ends with a count of the output's non-finite values, a few bytes back, so
/// a GPU's queue is drained inside the timing without copying the output (a pass over it that costs about 1% of the
/// product on a CPU). About 10 calls, a fraction of a second on a CPU.</summary>
public static class ThroughputProbe
{
    private const int Rows = 512;
    private const int Width = 1152;
    private const int Calls = 9;

    public static double FlopsPerSecond(ITensorBackend backend)
    {
        using var input = Tensor.Empty(Rows, Width);
        using var weight = Tensor.Empty(Width, Width);
        using var output = Tensor.Empty(Rows, Width);
        backend.RandomNormal(input, seed: 1);
        backend.RandomNormal(weight, seed: 2, std: 0.03f);
        var seconds = new double[Calls];
        for (var call = -1; call < Calls; call++)
        {
            var watch = Stopwatch.StartNew();
            backend.Linear(input, weight, null, output);
            _ = backend.CountNonFinite(output);
            if (call >= 0)
                seconds[call] = watch.Elapsed.TotalSeconds;
        }
        var median = seconds.OrderBy(s => s).ElementAt(Calls / 2);
        return 2.0 * Rows * Width * Width / Math.Max(median, 1e-9);
    }
}
