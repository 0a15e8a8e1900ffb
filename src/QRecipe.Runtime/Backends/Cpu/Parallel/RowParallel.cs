using System;

namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>The operands of a row-wise kernel: up to four float arrays, the row width, the total element count, a
/// group size (rows that share a conditioning row) and a scalar.</summary>
internal unsafe struct RowOperands
{
    public float* X;
    public float* Y;
    public float* Z;
    public float* Output;
    public int Width;
    public long Count;
    public int Group;
    public float Scalar;
}

/// <summary>
/// Splits rows [0, rows) into one contiguous range per worker and runs a static row kernel on each. The kernel is a
/// function pointer and its operands a struct, so a call allocates nothing. Small inputs run on the calling thread.
/// </summary>
internal static unsafe class RowParallel
{
    /// <summary>Elements below which waking the workers costs more than it saves.</summary>
    private const long ParallelThreshold = 1 << 15;

    /// <summary>Runs the kernel over rows [0, rows); <paramref name="elements"/> is the total work, which decides whether
    /// the workers are woken.</summary>
    public static void For(int rows, long elements, RowOperands operands, delegate*<in RowOperands, int, int, void> kernel)
    {
        if (elements < ParallelThreshold || CpuWorkerPool.Shared.WorkerCount == 1)
        {
            kernel(operands, 0, rows);
            return;
        }

        var job = RowJob.ForCurrentThread;
        job.Rows = rows;
        job.Operands = operands;
        job.Kernel = kernel;
        CpuWorkerPool.Shared.Run(job);
    }

    private sealed class RowJob : IParallelWork
    {
        [ThreadStatic]
        private static RowJob? perThread;

        public static RowJob ForCurrentThread => perThread ??= new RowJob();

        public int Rows { get; set; }

        public RowOperands Operands { get; set; }

        public delegate*<in RowOperands, int, int, void> Kernel { get; set; }

        public void Execute(int worker, int workerCount)
        {
            var start = (int)((long)Rows * worker / workerCount);
            var end = (int)((long)Rows * (worker + 1) / workerCount);
            if (start < end)
                Kernel(Operands, start, end);
        }
    }
}
