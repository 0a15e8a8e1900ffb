using System.Collections.Generic;

namespace QRecipe.Runtime.Tensors;

/// <summary>
/// Released memory blocks kept in exact-size buckets for reuse, up to <see cref="RetainLimitBytes"/> in all: a
/// sampling loop allocates the same shapes at every step. Host tensor memory (<see cref="NativeMemoryPool"/>) and
/// device memory (the CUDA backend) keep their blocks here; the owner allocates and frees. Thread-safe.
/// </summary>
/// <typeparam name="TBlock">A block's address (a host pointer or a device pointer).</typeparam>
internal sealed class BlockBuckets<TBlock>(long retainLimitBytes) where TBlock : struct
{
    private readonly Dictionary<long, Stack<TBlock>> free = new();
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

    /// <summary>A kept block of exactly <paramref name="bytes"/> bytes, if there is one.</summary>
    public bool TryTake(long bytes, out TBlock block)
    {
        lock (gate)
        {
            if (free.TryGetValue(bytes, out var stack) && stack.TryPop(out block))
            {
                retained -= bytes;
                return true;
            }
        }

        block = default;
        return false;
    }

    /// <summary>Keeps the block for reuse; false when that would pass the limit (the caller frees it then).</summary>
    public bool TryKeep(TBlock block, long bytes)
    {
        lock (gate)
        {
            if (retained + bytes > RetainLimitBytes)
                return false;
            if (!free.TryGetValue(bytes, out var stack))
                free[bytes] = stack = new Stack<TBlock>();
            stack.Push(block);
            retained += bytes;
            return true;
        }
    }

    /// <summary>Removes and returns every kept block (for the owner to free).</summary>
    public List<TBlock> Drain()
    {
        lock (gate)
        {
            var blocks = new List<TBlock>();
            foreach (var stack in free.Values)
                blocks.AddRange(stack);
            free.Clear();
            retained = 0;
            return blocks;
        }
    }
}
