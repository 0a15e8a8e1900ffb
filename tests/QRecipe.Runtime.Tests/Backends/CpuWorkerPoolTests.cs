using System;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>A pool of one's own runs each job on every worker once, and disposing it ends its threads: a later job is
/// refused, and a second dispose does nothing.</summary>
public sealed class CpuWorkerPoolTests
{
    private sealed class CountingWork(int workers) : IParallelWork
    {
        public readonly int[] Calls = new int[workers];

        public void Execute(int worker, int workerCount) => Interlocked.Increment(ref Calls[worker]);
    }

    [Fact]
    public void Each_worker_runs_a_job_once_and_dispose_ends_the_pool()
    {
        var pool = new CpuWorkerPool(3);
        var work = new CountingWork(3);
        pool.Run(work);
        pool.Run(work);
        Assert.Equal([2, 2, 2], work.Calls);

        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(new CountingWork(3)));
        pool.Dispose();
    }
}
