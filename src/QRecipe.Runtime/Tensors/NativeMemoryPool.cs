using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Tensors;

/// <summary>
/// 64-byte-aligned native blocks, kept after release in exact-size buckets so that a sampling loop, which allocates
/// the same shapes at every step, reuses them instead of going back to the OS. Blocks beyond
/// <see cref="RetainLimitBytes"/> of retained memory are freed at once.
/// </summary>
public sealed unsafe class NativeMemoryPool
{
    /// <summary>Cache-line (and AVX-512 vector) alignment of every block.</summary>
    public const int Alignment = 64;

    private readonly Dictionary<nuint, Stack<nint>> free = new();
    private readonly object gate = new();
    private long retainedBytes;

    public NativeMemoryPool(long retainLimitBytes) => RetainLimitBytes = retainLimitBytes;

    /// <summary>The process-wide pool (1 GiB retained at most).</summary>
    public static NativeMemoryPool Shared { get; } = new(1L << 30);

    public long RetainLimitBytes { get; }

    public long RetainedBytes
    {
        get
        {
            lock (gate)
                return retainedBytes;
        }
    }

    /// <summary>Rents a block of at least <paramref name="bytes"/> bytes, rounded up to the alignment; not zeroed.</summary>
    public nint Rent(nuint bytes, out nuint capacity)
    {
        capacity = RoundUp(bytes);
        lock (gate)
        {
            if (free.TryGetValue(capacity, out var stack) && stack.Count > 0)
            {
                retainedBytes -= (long)capacity;
                return stack.Pop();
            }
        }

        try
        {
            return (nint)NativeMemory.AlignedAlloc(capacity, Alignment);
        }
        catch (OutOfMemoryException e)
        {
            throw new OutOfMemoryException($"cannot allocate {bytes} bytes ({bytes / (1024.0 * 1024.0):F1} MiB) of native tensor memory", e);
        }
    }

    public void Return(nint block, nuint capacity)
    {
        lock (gate)
        {
            if (retainedBytes + (long)capacity <= RetainLimitBytes)
            {
                if (!free.TryGetValue(capacity, out var stack))
                    free[capacity] = stack = new Stack<nint>();
                stack.Push(block);
                retainedBytes += (long)capacity;
                return;
            }
        }

        NativeMemory.AlignedFree((void*)block);
    }

    private static nuint RoundUp(nuint bytes) => Math.Max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
}
