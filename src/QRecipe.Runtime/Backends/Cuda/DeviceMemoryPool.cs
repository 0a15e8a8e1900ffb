using System;
using System.Collections.Generic;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>
/// Freed device blocks kept by size for reuse. A sampling loop allocates the same shapes every step, and
/// cuMemAlloc/cuMemFree are slow and cuMemFree waits for the device. Sizes are rounded up to 512 bytes; at most
/// <see cref="RetainLimitBytes"/> are kept, and <see cref="Drain"/> hands them all back when an allocation fails.
/// Reuse needs no synchronisation: every copy and kernel runs on the device's one stream, in order.
/// </summary>
internal sealed class DeviceMemoryPool(long retainLimitBytes)
{
    private const long Granule = 512;
    private readonly Dictionary<long, Stack<ulong>> free = new();
    private readonly object gate = new();
    private long retained;

    public long RetainLimitBytes { get; } = retainLimitBytes;

    public long RetainedBytes
    {
        get
        {
            lock (gate)
                return retained;
        }
    }

    public static long RoundUp(long bytes) => (Math.Max(1, bytes) + Granule - 1) / Granule * Granule;

    /// <summary>A kept block of exactly <paramref name="rounded"/> bytes, if there is one.</summary>
    public bool TryTake(long rounded, out ulong block)
    {
        lock (gate)
        {
            if (free.TryGetValue(rounded, out var stack) && stack.TryPop(out block))
            {
                retained -= rounded;
                return true;
            }
        }
        block = 0;
        return false;
    }

    /// <summary>Keeps the block for reuse; false when the limit is reached (the caller frees it).</summary>
    public bool TryKeep(ulong block, long rounded)
    {
        lock (gate)
        {
            if (retained + rounded > RetainLimitBytes)
                return false;
            if (!free.TryGetValue(rounded, out var stack))
                free[rounded] = stack = new Stack<ulong>();
            stack.Push(block);
            retained += rounded;
            return true;
        }
    }

    /// <summary>Removes and returns every kept block.</summary>
    public List<ulong> Drain()
    {
        lock (gate)
        {
            var blocks = new List<ulong>();
            foreach (var stack in free.Values)
                blocks.AddRange(stack);
            free.Clear();
            retained = 0;
            return blocks;
        }
    }
}
