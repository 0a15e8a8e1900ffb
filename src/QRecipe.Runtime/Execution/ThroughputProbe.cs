using System;
using System.Diagnostics;
using System.Linq;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>The rate a run's estimate (<see cref="RunCostEstimate"/>) turns work into time with: the median of a few
/// timed DiT-shaped linear layers (512 token rows, 1152 inputs, 1152 outputs: a guided DiT-XL/2 sample's proj) on the
/// run's backend, after one untimed call that packs and warms. Each timed call reads its output back, so a GPU's
/// queue is drained inside the timing. About 10 calls, a fraction of a second on a CPU.</summary>
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
        Fill(input.AsSpan<float>());
        Fill(weight.AsSpan<float>());
        var seconds = new double[Calls];
        for (var call = -1; call < Calls; call++)
        {
            var watch = Stopwatch.StartNew();
            backend.Linear(input, weight, null, output);
            _ = output.AsReadOnlySpan<float>()[0];
            if (call >= 0)
                seconds[call] = watch.Elapsed.TotalSeconds;
        }
        var median = seconds.OrderBy(s => s).ElementAt(Calls / 2);
        return 2.0 * Rows * Width * Width / Math.Max(median, 1e-9);
    }

    private static void Fill(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = (i * 7919 % 1000) / 1000f - 0.5f;
    }
}
