using System;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Packed, cache-blocked, register-tiled single-precision GEMM on all cores. A call cuts the longer side of C into
/// <see cref="ChunksPerWorker"/> chunk per worker (whole kernel tiles) that the workers claim with an atomic counter,
/// each running the blocked algorithm on its chunk with its own packing buffers. Claiming rather than assigning lets
/// the calling thread take a descheduled worker's chunk on a shared machine. Every chunk packs the whole undivided
/// operand, so more chunks balance load better but pack more: on DiT-S/2's layers (K up to 1536, 512 rows) that
/// packing cost more than the balance gained (four chunks per worker: 152.6 ms per forward, two: 130, one: 125 on the
/// quiet machine, docs/performance.md). No managed allocation per call.
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
        // One or two samples' adaLN and timestep layers: the portable kernel keeps its own path.
        if (kernel != SgemmKernelKind.Vector && FewRowsSgemm.Applies(problem))
        {
            FewRowsSgemm.Multiply(problem);
            return;
        }

        if ((long)problem.M * problem.N * problem.K < GemmBlocking.ParallelThreshold)
        {
            MultiplyRange(problem, kernel, 0, problem.M, 0, problem.N);
            return;
        }

        var job = ChunkJob.ForCurrentThread;
        job.Prepare(problem, kernel);
        CpuWorkerPool.Shared.Run(job);
    }

    /// <summary>Chunks per worker: each repacks the undivided operand, which on DiT shapes costs more than finer
    /// balancing gains.</summary>
    private const int ChunksPerWorker = 1;

    /// <summary>Chunk <paramref name="chunk"/> of <paramref name="chunkCount"/> along the longer side of C, in whole
    /// kernel tiles.</summary>
    public static void MultiplyChunk(in GemmProblem problem, SgemmKernelKind kernel, int chunk, int chunkCount)
    {
        var alongColumns = problem.N >= problem.M;
        var tile = alongColumns ? TileColumns(kernel) : TileRows(kernel);
        var extent = alongColumns ? problem.N : problem.M;
        var tiles = (extent + tile - 1) / tile;
        var start = Math.Min(extent, (int)((long)tiles * chunk / chunkCount) * tile);
        var end = Math.Min(extent, (int)((long)tiles * (chunk + 1) / chunkCount) * tile);
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

    /// <summary>The reusable job whose workers claim chunks of C (one instance per calling thread).</summary>
    private sealed class ChunkJob : IParallelWork
    {
        [ThreadStatic]
        private static ChunkJob? perThread;

        public static ChunkJob ForCurrentThread => perThread ??= new ChunkJob();

        private int nextChunk;

        public GemmProblem Problem { get; private set; }

        public SgemmKernelKind Kernel { get; private set; }

        /// <summary>Called once per worker: claims chunks until none is left (the counter is reset by <see cref="Prepare"/>
        /// before the workers start).</summary>
        public void Execute(int worker, int workerCount)
        {
            var chunks = workerCount * ChunksPerWorker;
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk) - 1) < chunks)
                MultiplyChunk(Problem, Kernel, chunk, chunks);
        }

        public void Prepare(in GemmProblem problem, SgemmKernelKind kernel)
        {
            Problem = problem;
            Kernel = kernel;
            nextChunk = 0;
        }
    }
}
