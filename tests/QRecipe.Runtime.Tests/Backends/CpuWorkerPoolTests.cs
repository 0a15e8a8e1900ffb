using System;
using System.Diagnostics;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>A pool of one's own runs each job on every worker once, Run returns only after every worker has finished
/// it, however long the caller or a worker takes, a worker's exception reaches the caller, and disposing the pool ends its threads: a later job
/// is refused, and a second dispose does nothing.</summary>
public sealed class CpuWorkerPoolTests
{
    private sealed class CountingWork(int workers) : IParallelWork
    {
        public readonly int[] Calls = new int[workers];

        /// <summary>Per job and worker, how long Execute busy-waits (ticks), so that either side can finish first.</summary>
        public long[]? Delays;

        public int Job;

        public void Execute(int worker, int workerCount)
        {
            if (Delays is { } delays)
            {
                var until = Stopwatch.GetTimestamp() + delays[Job * workerCount + worker];
                while (Stopwatch.GetTimestamp() < until)
                    Thread.SpinWait(10);
            }
            Interlocked.Increment(ref Calls[worker]);
        }
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

    [Fact]
    public void Run_returns_only_after_every_worker_finished_whoever_is_slower()
    {
        const int workers = 3;
        const int jobs = 600;
        using var pool = new CpuWorkerPool(workers);
        var random = new System.Random(7);
        var work = new CountingWork(workers) { Delays = new long[jobs * workers] };
        // Delays from none to 1 ms on any worker including the caller, and pauses between jobs, so that workers are found
        // running, about to wait, or long asleep when a job is published.
        for (var i = 0; i < work.Delays.Length; i++)
            work.Delays[i] = random.Next(4) == 0 ? Stopwatch.Frequency / 1000 * random.Next(2) : random.Next(200) * Stopwatch.Frequency / 1_000_000;
        for (var job = 0; job < jobs; job++)
        {
            work.Job = job;
            pool.Run(work);
            for (var w = 0; w < workers; w++)
                Assert.Equal(job + 1, Volatile.Read(ref work.Calls[w]));
            if (random.Next(8) == 0)
                Thread.Sleep(random.Next(2));
        }
    }

    private sealed class FailingWork : IParallelWork
    {
        public void Execute(int worker, int workerCount)
        {
            if (worker == workerCount - 1)
                throw new InvalidOperationException("worker failed");
        }
    }

    [Fact]
    public void A_worker_failure_is_rethrown_on_the_caller_and_the_pool_goes_on()
    {
        using var pool = new CpuWorkerPool(2);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(new FailingWork()));
        Assert.Equal("worker failed", error.Message);
        var work = new CountingWork(2);
        pool.Run(work);
        Assert.Equal([1, 1], work.Calls);
    }
}
