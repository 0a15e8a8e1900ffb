using System;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Packed, cache-blocked, register-tiled single-precision GEMM on all cores. A call splits C into one rectangle
/// per worker (along N when N ≥ M, else along M, in whole kernel tiles) and each worker runs the blocked algorithm
/// on its rectangle with its own packing buffers; no synchronisation inside the call and no managed allocation.
/// </summary>
internal static unsafe class Sgemm
{
    /// <summary>The kernel every backend call uses: the best one this CPU supports, chosen at start-up.</summary>
    public static SgemmKernelKind Default { get; } = BestSupported();

    public static SgemmKernelKind BestSupported() =>
        Avx512MicroKernel.IsSupported ? SgemmKernelKind.Avx512
        : Avx2MicroKernel.IsSupported ? SgemmKernelKind.Avx2
        : SgemmKernelKind.Vector;

    public static bool IsSupported(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx512 => Avx512MicroKernel.IsSupported,
        SgemmKernelKind.Avx2 => Avx2MicroKernel.IsSupported,
        _ => true,
    };

    /// <summary>C = alpha·op(A)·op(B) + bias with the default kernel, on all workers of the shared pool.</summary>
    public static void Multiply(in GemmProblem problem) => Multiply(problem, Default);

    /// <summary>As <see cref="Multiply(in GemmProblem)"/> with a chosen kernel (tests and benchmarks force each path).</summary>
    public static void Multiply(in GemmProblem problem, SgemmKernelKind kernel)
    {
        if ((long)problem.M * problem.N * problem.K < GemmBlocking.ParallelThreshold)
        {
            MultiplyRange(problem, kernel, 0, problem.M, 0, problem.N);
            return;
        }

        var job = RectangleJob.ForCurrentThread;
        job.Problem = problem;
        job.Kernel = kernel;
        CpuWorkerPool.Shared.Run(job);
    }

    /// <summary>One worker's share of C: whole kernel tiles of the longer side of C.</summary>
    public static void MultiplyShare(in GemmProblem problem, SgemmKernelKind kernel, int worker, int workerCount)
    {
        var alongColumns = problem.N >= problem.M;
        var tile = alongColumns ? TileColumns(kernel) : TileRows(kernel);
        var extent = alongColumns ? problem.N : problem.M;
        var tiles = (extent + tile - 1) / tile;
        var start = Math.Min(extent, (int)((long)tiles * worker / workerCount) * tile);
        var end = Math.Min(extent, (int)((long)tiles * (worker + 1) / workerCount) * tile);
        if (alongColumns)
            MultiplyRange(problem, kernel, 0, problem.M, start, end);
        else
            MultiplyRange(problem, kernel, start, end, 0, problem.N);
    }

    public static void MultiplyRange(in GemmProblem problem, SgemmKernelKind kernel, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        switch (kernel)
        {
            case SgemmKernelKind.Avx512:
                SgemmDriver<Avx512MicroKernel>.Multiply(problem, rowStart, rowEnd, columnStart, columnEnd);
                break;
            case SgemmKernelKind.Avx2:
                SgemmDriver<Avx2MicroKernel>.Multiply(problem, rowStart, rowEnd, columnStart, columnEnd);
                break;
            default:
                SgemmDriver<VectorMicroKernel>.Multiply(problem, rowStart, rowEnd, columnStart, columnEnd);
                break;
        }
    }

    private static int TileColumns(SgemmKernelKind kernel) => kernel switch
    {
        SgemmKernelKind.Avx512 => Avx512MicroKernel.Columns,
        SgemmKernelKind.Avx2 => Avx2MicroKernel.Columns,
        _ => VectorMicroKernel.Columns,
    };

    private static int TileRows(SgemmKernelKind kernel) => kernel switch
    {
        SgemmKernelKind.Avx512 => Avx512MicroKernel.Rows,
        SgemmKernelKind.Avx2 => Avx2MicroKernel.Rows,
        _ => VectorMicroKernel.Rows,
    };

    /// <summary>The reusable job that hands each worker its rectangle (one instance per calling thread).</summary>
    private sealed class RectangleJob : IParallelWork
    {
        [ThreadStatic]
        private static RectangleJob? perThread;

        public static RectangleJob ForCurrentThread => perThread ??= new RectangleJob();

        public GemmProblem Problem { get; set; }

        public SgemmKernelKind Kernel { get; set; }

        public void Execute(int worker, int workerCount) => MultiplyShare(Problem, Kernel, worker, workerCount);
    }
}
