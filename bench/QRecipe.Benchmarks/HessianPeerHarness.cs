using System;
using System.Collections.Generic;
using System.Diagnostics;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// The GPTQ Hessian update (<see cref="GptqStatistics.Accumulate"/>: blocked symmetric rank-k update, lower triangle,
/// float32 products summed in float64) against its peer, plain SGEMM of the full XᵀX of the same X, timed back to
/// back in every round so that the shared host's load moves both alike; medians over the rounds. DiT-XL/2 shapes:
/// in = 1152 (qkv, proj, fc1 inputs) and 4608 (fc2 input), rows = 256 tokens × a calibration batch of 16.
/// The update's rate counts the rank-k update's n(n+1)·rows flops (what it must compute), SGEMM's its 2n²·rows.
/// </summary>
public static unsafe class HessianPeerHarness
{
    public static readonly (int In, int Rows)[] Shapes = [(1152, 256 * 16), (4608, 256 * 16)];

    public static void Run(int rounds)
    {
        Console.WriteLine($"# Hessian update vs SGEMM of XᵀX, {rounds} interleaved rounds, medians");
        Console.WriteLine("# in rows | update ms | update GFLOP/s | sgemm ms | sgemm GFLOP/s | rate ratio | time ratio");
        foreach (var (n, rows) in Shapes)
        {
            using var x = Filled(rows, n);
            using var c = Tensor.Empty(n, n);
            var statistics = new GptqStatistics(n);
            var problem = new GemmProblem(n, n, rows, 1f, new MatrixView(x.Float32Pointer, 1, n), MatrixView.RowMajor(x.Float32Pointer, n, false),
                c.Float32Pointer, n, null);
            var update = new List<double>();
            var gemm = new List<double>();
            statistics.Accumulate(x.AsReadOnlySpan<float>(), rows, 16, "bench");
            Sgemm.Multiply(problem);
            for (var round = 0; round < rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                statistics.Accumulate(x.AsReadOnlySpan<float>(), rows, 16, "bench");
                update.Add(watch.Elapsed.TotalSeconds);
                watch.Restart();
                Sgemm.Multiply(problem);
                gemm.Add(watch.Elapsed.TotalSeconds);
            }
            var updateSeconds = HarnessTiming.Median(update);
            var gemmSeconds = HarnessTiming.Median(gemm);
            var updateRate = (double)n * (n + 1) * rows / updateSeconds / 1e9;
            var gemmRate = problem.FlopCount / gemmSeconds / 1e9;
            Console.WriteLine($"{n} {rows} | {updateSeconds * 1e3:F1} | {updateRate:F1} | {gemmSeconds * 1e3:F1} | {gemmRate:F1} | {updateRate / gemmRate:F2} | {gemmSeconds / updateSeconds:F2}");
        }
    }

    /// <summary>Layer-input-like values: a shifted uniform with every 17th channel 40× larger.</summary>
    private static Tensor Filled(int rows, int columns)
    {
        var tensor = Tensor.Empty(rows, columns);
        var span = tensor.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] = ((i * 7919 % 1000) / 1000f - 0.4f) * (i % columns % 17 == 0 ? 40f : 1f);
        return tensor;
    }
}
