namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>
/// Like <see cref="RowParallel"/>, but the kernel's operands are any unmanaged struct, for kernels that need more
/// than the row operands carry (convolution lowering, group norm). Items [0, count) are split into one contiguous
/// range per worker; a call allocates nothing once the calling thread's job object exists.
/// </summary>
internal static unsafe class RangeParallel<T> where T : unmanaged
{
    /// <summary>Work (in elements touched) below which waking the workers costs more than it saves.</summary>
    private const long ParallelThreshold = 1 << 15;

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

        public void Execute(int worker, int workerCount)
        {
            var start = (int)((long)Count * worker / workerCount);
            var end = (int)((long)Count * (worker + 1) / workerCount);
            if (start < end)
                Kernel(Operands, start, end);
        }
    }
}
