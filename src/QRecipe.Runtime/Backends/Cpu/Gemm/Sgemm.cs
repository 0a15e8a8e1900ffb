using System;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Packed, cache-blocked, register-tiled single-precision GEMM on all cores. A call is cut along the longer side of C
/// into <see cref="ChunksPerWorker"/> chunks per worker (whole kernel tiles), each packed into that worker's own
/// cache-sized buffers at the cost of packing the undivided operand once per chunk; where that operand would be B
/// (M &gt; N) and both operands are small, A and B are instead packed once into buffers the workers share and C is cut
/// into 2-D tiles (<see cref="GemmTiling"/>, <see cref="SharedPacks"/>, <see cref="SgemmPartition"/>). Either way the workers claim their pieces with an atomic counter rather
/// than taking one fixed share, which keeps both cores busy when the machine is shared and one worker is descheduled.
/// No managed allocation per call.
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

    /// <summary>As <see cref="Multiply(in GemmProblem)"/> with a chosen kernel and partition (tests and benchmarks
    /// force each path; a forced partition runs even below the single-thread threshold).</summary>
    public static void Multiply(in GemmProblem problem, SgemmKernelKind kernel, SgemmPartition partition = SgemmPartition.Auto)
    {
        var mr = TileRows(kernel);
        var nr = TileColumns(kernel);
        if (partition == SgemmPartition.Auto)
        {
            if ((long)problem.M * problem.N * problem.K < GemmBlocking.ParallelThreshold)
            {
                MultiplyRange(problem, kernel, 0, problem.M, 0, problem.N);
                return;
            }

            // Chunks cut the longer side of C: cut along rows (M > N), each chunk packs all of B (a layer's weights).
            var packedFloats = ((long)(problem.M + mr - 1) / mr * mr + (long)(problem.N + nr - 1) / nr * nr) * problem.K;
            partition = problem.M > problem.N && packedFloats <= GemmBlocking.SharedPackFloats ? SgemmPartition.SharedTiles : SgemmPartition.Chunks;
        }

        if (partition == SgemmPartition.SharedTiles)
        {
            var job = TileJob.ForCurrentThread;
            job.Prepare(problem, kernel, GemmTiling.Plan(problem.M, problem.N, problem.K, mr, nr, CpuWorkerPool.Shared.WorkerCount));
            CpuWorkerPool.Shared.Run(job);
        }
        else
        {
            var job = ChunkJob.ForCurrentThread;
            job.Prepare(problem, kernel);
            CpuWorkerPool.Shared.Run(job);
        }
    }

    /// <summary>Chunks per worker: enough for load balancing, few enough that repacking stays cheap.</summary>
    private const int ChunksPerWorker = 4;

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

    /// <summary>The reusable job whose workers claim tiles of C over operands packed once into buffers they share (one
    /// instance per calling thread).</summary>
    private sealed class TileJob : IParallelWork
    {
        [ThreadStatic]
        private static TileJob? perThread;

        public static TileJob ForCurrentThread => perThread ??= new TileJob();

        private int nextTile;
        private GemmProblem problem;
        private GemmTiling tiling;
        private SgemmKernelKind kernel;
        private readonly SharedPacks packs = SharedPacks.ForCurrentThread;

        public void Execute(int worker, int workerCount)
        {
            int tile;
            while ((tile = Interlocked.Increment(ref nextTile) - 1) < tiling.TileCount)
            {
                switch (kernel)
                {
                    case SgemmKernelKind.Avx512:
                        SgemmDriver<Avx512MicroKernel>.MultiplyTile(problem, tiling, packs, tile);
                        break;
                    case SgemmKernelKind.Avx2:
                        SgemmDriver<Avx2MicroKernel>.MultiplyTile(problem, tiling, packs, tile);
                        break;
                    default:
                        SgemmDriver<VectorMicroKernel>.MultiplyTile(problem, tiling, packs, tile);
                        break;
                }
            }
        }

        public void Prepare(in GemmProblem call, SgemmKernelKind kind, in GemmTiling plan)
        {
            problem = call;
            kernel = kind;
            tiling = plan;
            nextTile = 0;
            packs.Reset(plan);
        }
    }

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
