using System;
using System.Diagnostics;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// Times our SGEMM on the shapes of bench/peers/torch_matmul.py and prints one line per shape and layout in the
/// same format ("shape layout gflops"), so bench/run-sgemm-comparison.sh can interleave both peers and compare.
/// Layout "nt" is a Linear layer, x[M,K]·W[N,K]ᵀ; "nn" is a plain product A[M,K]·B[K,N].
/// </summary>
public static unsafe class SgemmPeerHarness
{
    public static readonly (int M, int K, int N)[] Shapes =
    [
        (256, 1152, 3456), (256, 1152, 4608), (256, 4608, 1152), (512, 1152, 1152), (2048, 2048, 2048),
    ];

    public static void Run(double secondsPerShape)
    {
        foreach (var (m, k, n) in Shapes)
        {
            foreach (var transposedB in new[] { true, false })
            {
                using var a = Filled(m, k);
                using var b = transposedB ? Filled(n, k) : Filled(k, n);
                using var c = Tensor.Empty(m, n);
                var problem = new GemmProblem(m, n, k, 1f,
                    MatrixView.RowMajor(a.Float32Pointer, k, false),
                    MatrixView.RowMajor(b.Float32Pointer, transposedB ? k : n, transposedB),
                    c.Float32Pointer, n, null);
                var seconds = MedianSeconds(() => Sgemm.Multiply(problem), secondsPerShape);
                Console.WriteLine($"{m}x{k}x{n} {(transposedB ? "nt" : "nn")} {problem.FlopCount / seconds / 1e9:F1}");
            }
        }
    }

    /// <summary>Median of at least 3 timed calls after one warm-up, repeating for about <paramref name="budget"/>
    /// seconds (the same rule as bench/peers/torch_matmul.py).</summary>
    public static double MedianSeconds(Action action, double budget)
    {
        action();
        var samples = new System.Collections.Generic.List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 3 || (total.Elapsed.TotalSeconds < budget && samples.Count < 1000))
        {
            var watch = Stopwatch.StartNew();
            action();
            samples.Add(watch.Elapsed.TotalSeconds);
        }

        var sorted = samples.OrderBy(s => s).ToArray();
        return sorted[sorted.Length / 2];
    }

    private static Tensor Filled(int rows, int columns)
    {
        var tensor = Tensor.Empty(rows, columns);
        var span = tensor.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] = (i * 7919 % 1000) / 1000f - 0.5f;
        return tensor;
    }
}
