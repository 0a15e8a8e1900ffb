using System;

namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>
/// Like <see cref="RowParallel"/>, but the kernel's operands are any unmanaged struct, for kernels that need more
/// than the row operands carry (convolution lowering, group norm). Items [0, count) are split into
/// <see cref="ChunksPerWorker"/> contiguous ranges per worker, which the workers claim with an atomic counter: with one
/// fixed range each, a worker that the shared host deschedules holds everyone up (as in the SGEMM). A kernel must
/// therefore not depend on which ranges run together. A call allocates nothing once the calling thread's job object
/// exists.
/// </summary>
internal static unsafe class RangeParallel<T> where T : unmanaged
{
    /// <summary>Work (in elements touched) below which waking the workers costs more than it saves.</summary>
    private const long ParallelThreshold = 1 << 15;

    private const int ChunksPerWorker = 4;

    public static void For(int count, long elements, in T operands, delegate*<in T, int, int, void> kernel)
    {
        if (elements < ParallelThreshold || count < 2 || CpuWorkerPool.Shared.WorkerCount == 1)
        {
            kernel(operands, 0, count);
            return;
        }

        var job = RangeJob.ForCurrentThread;
        job.Count = count;
        job.Operands = operands;
        job.Kernel = kernel;
        job.NextChunk = 0;
        CpuWorkerPool.Shared.Run(job);
    }

    private sealed class RangeJob : IParallelWork
    {
        [System.ThreadStatic]
        private static RangeJob? perThread;

        public static RangeJob ForCurrentThread => perThread ??= new RangeJob();

        public int Count { get; set; }

        public T Operands { get; set; }

        public delegate*<in T, int, int, void> Kernel { get; set; }

        public int NextChunk;

        /// <summary>Called once per worker: claims ranges until none is left.</summary>
        public void Execute(int worker, int workerCount)
        {
            var chunks = Math.Min(Count, workerCount * ChunksPerWorker);
            int chunk;
            while ((chunk = System.Threading.Interlocked.Increment(ref NextChunk) - 1) < chunks)
                Kernel(Operands, (int)((long)Count * chunk / chunks), (int)((long)Count * (chunk + 1) / chunks));
        }
    }
}
