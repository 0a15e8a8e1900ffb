using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>
/// Persistent worker threads (one per core, the calling thread being worker 0). Unlike Parallel.For, dispatching
/// a job allocates no managed memory: the job is a reusable object and the hand-off is a semaphore per worker and a
/// countdown. One job runs at a time; a job started from inside a worker runs inline on that worker alone.
/// <see cref="Shared"/> lives as long as the process; a pool of one's own is disposed, which ends its threads.
/// </summary>
internal sealed class CpuWorkerPool : IDisposable
{
    [ThreadStatic]
    private static bool insideWorker;

    private readonly SemaphoreSlim[] start;
    private readonly CountdownEvent finished;
    private readonly Thread[] workers;
    private readonly object runGate = new();
    private volatile bool stopping;
    private IParallelWork? current;
    private Exception? failure;

    public CpuWorkerPool(int workerCount)
    {
        WorkerCount = Math.Max(1, workerCount);
        start = new SemaphoreSlim[WorkerCount];
        finished = new CountdownEvent(1);
        workers = new Thread[WorkerCount];
        for (var w = 1; w < WorkerCount; w++)
        {
            start[w] = new SemaphoreSlim(0);
            var index = w;
            workers[w] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"QRecipe CPU worker {w}" };
            workers[w].Start();
        }
    }

    /// <summary>The pool every CPU operation uses: one worker per logical processor.</summary>
    public static CpuWorkerPool Shared { get; } = new(Environment.ProcessorCount);

    public int WorkerCount { get; }

    public void Run(IParallelWork work)
    {
        if (insideWorker || WorkerCount == 1)
        {
            work.Execute(0, 1);
            return;
        }

        lock (runGate)
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            current = work;
            failure = null;
            finished.Reset(WorkerCount - 1);
            for (var w = 1; w < WorkerCount; w++)
                start[w].Release();
            insideWorker = true;
            try
            {
                work.Execute(0, WorkerCount);
            }
            finally
            {
                insideWorker = false;
                finished.Wait();
                current = null;
            }

            if (failure is { } error)
                ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private void WorkerLoop(int index)
    {
        insideWorker = true;
        while (true)
        {
            start[index].Wait();
            if (stopping)
                return;
            try
            {
                current!.Execute(index, WorkerCount);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                finished.Signal();
            }
        }
    }

    /// <summary>Ends the worker threads (after the job in progress, if any) and frees their events.</summary>
    public void Dispose()
    {
        lock (runGate)
        {
            if (stopping)
                return;
            stopping = true;
        }
        for (var w = 1; w < WorkerCount; w++)
        {
            start[w].Release();
            workers[w].Join();
            start[w].Dispose();
        }
        finished.Dispose();
    }
}
