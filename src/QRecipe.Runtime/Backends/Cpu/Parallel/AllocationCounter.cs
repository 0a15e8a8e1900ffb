using System;

namespace QRecipe.Runtime.Backends.Cpu.Parallel;

/// <summary>
/// Managed bytes allocated so far by the calling thread plus every worker of the shared pool, each read on its own
/// thread with <see cref="GC.GetAllocatedBytesForCurrentThread"/>. Unlike the process-wide counter it ignores
/// unrelated threads (test runners, timers), so the difference around a call is exactly what that call allocated.
/// </summary>
internal static class AllocationCounter
{
    public static long ReadAllThreads()
    {
        var probe = Probe.Instance;
        lock (probe)
        {
            CpuWorkerPool.Shared.Run(probe);
            var total = 0L;
            foreach (var bytes in probe.Bytes)
                total += bytes;
            return total;
        }
    }

    private sealed class Probe : IParallelWork
    {
        public static readonly Probe Instance = new();

        public long[] Bytes { get; } = new long[CpuWorkerPool.Shared.WorkerCount];

        public void Execute(int worker, int workerCount) => Bytes[worker] = GC.GetAllocatedBytesForCurrentThread();
    }
}
