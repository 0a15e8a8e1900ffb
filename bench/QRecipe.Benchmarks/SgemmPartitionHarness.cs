using System;
using System.Diagnostics;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// Our two parallel SGEMM partitions (<see cref="SgemmPartition"/>) on the linear layers of DiT-S/2 ("s": batch 2,
/// 512 token rows, with bias, fc1 with GELU) or the larger DiT-XL/2 shapes ("xl"), alternating call by call in one
/// process. Each timed step runs 12 problems with their own weights and activations in turn, as a forward's 12 blocks
/// do, so the weights come from memory rather than a warm cache. Prints per shape and partition the median and the
/// minimum wall time per call over the rounds and the CPU time per call (both workers; it counts spinning, not time
/// lost to other processes, so it is the steadier figure on a shared machine).
/// </summary>
public static unsafe class SgemmPartitionHarness
{
    private const int Sets = 12;

    public static void Run(int rounds, string models)
    {
        var shapes = models == "xl"
            ? new[] { (256, 1152, 3456, false), (256, 1152, 4608, false), (256, 4608, 1152, false), (512, 1152, 1152, false), (512, 4608, 1152, false), (512, 1152, 4608, true) }
            : new[] { (512, 384, 1536, true), (512, 1536, 384, false), (512, 384, 1152, false), (512, 384, 384, false), (2, 384, 2304, false) };
        var partitions = new[] { SgemmPartition.Chunks, SgemmPartition.SharedTiles, SgemmPartition.Auto };
        foreach (var (m, k, n, gelu) in shapes)
        {
            var problems = new GemmProblem[Sets];
            var tensors = new Tensor[Sets * 4];
            for (var s = 0; s < Sets; s++)
            {
                var a = tensors[4 * s] = Filled(m, k, s);
                var w = tensors[4 * s + 1] = Filled(n, k, s + Sets);
                var bias = tensors[4 * s + 2] = Filled(1, n, s + 2 * Sets);
                var c = tensors[4 * s + 3] = Tensor.Empty(m, n);
                problems[s] = new GemmProblem(m, n, k, 1f, MatrixView.RowMajor(a.Float32Pointer, k, false), MatrixView.RowMajor(w.Float32Pointer, k, true),
                    c.Float32Pointer, n, bias.Float32Pointer, gelu ? GemmEpilogue.Gelu : GemmEpilogue.None);
            }

            var walls = new double[partitions.Length][];
            var cpu = new double[partitions.Length];
            var process = Process.GetCurrentProcess();
            for (var v = 0; v < partitions.Length; v++)
                walls[v] = new double[rounds];
            for (var round = -1; round < rounds; round++)
            {
                for (var v = 0; v < partitions.Length; v++)
                {
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    foreach (var problem in problems)
                        Sgemm.Multiply(problem, Sgemm.Default, partitions[v]);
                    if (round < 0)
                        continue; // warm-up
                    walls[v][round] = watch.Elapsed.TotalSeconds / Sets;
                    process.Refresh();
                    cpu[v] += (process.TotalProcessorTime - cpuBefore).TotalSeconds / Sets;
                }
            }

            for (var v = 0; v < partitions.Length; v++)
            {
                Array.Sort(walls[v]);
                var flops = problems[0].FlopCount;
                Console.WriteLine($"{m}x{k}x{n}{(gelu ? "+gelu" : ""),-5} {partitions[v],-11} median {walls[v][rounds / 2] * 1e3,7:F3} ms "
                                  + $"min {walls[v][0] * 1e3,7:F3} ms ({flops / walls[v][0] / 1e9,5:F1} GFLOP/s) cpu {cpu[v] / rounds * 1e3,7:F3} ms");
            }

            foreach (var tensor in tensors)
                tensor.Dispose();
        }
    }

    private static Tensor Filled(int rows, int columns, int seed)
    {
        var tensor = Tensor.Empty(rows, columns);
        var span = tensor.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] = ((i + seed) * 7919 % 1000) / 1000f - 0.5f;
        return tensor;
    }
}
