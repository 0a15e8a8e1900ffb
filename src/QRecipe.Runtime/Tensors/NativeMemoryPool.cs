using System;
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

    private readonly BlockBuckets<nint> kept;

    public NativeMemoryPool(long retainLimitBytes) => kept = new BlockBuckets<nint>(retainLimitBytes);

    /// <summary>The process-wide pool (1 GiB retained at most).</summary>
    public static NativeMemoryPool Shared { get; } = new(1L << 30);

    public long RetainLimitBytes => kept.RetainLimitBytes;

    public long RetainedBytes => kept.RetainedBytes;

    /// <summary>Rents a block of at least <paramref name="bytes"/> bytes, rounded up to the alignment; not zeroed.</summary>
    public nint Rent(nuint bytes, out nuint capacity)
    {
        capacity = RoundUp(bytes);
        if (kept.TryTake((long)capacity, out var block))
            return block;
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
        if (!kept.TryKeep(block, (long)capacity))
            NativeMemory.AlignedFree((void*)block);
    }

    private static nuint RoundUp(nuint bytes) => Math.Max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
}
