using System;
using System.Threading;

namespace QRecipe.Runtime.Tensors;

/// <summary>A pooled native block shared by a tensor and its views; returned to the pool when the last one is
/// disposed.</summary>
internal sealed class TensorStorage
{
    private readonly NativeMemoryPool pool;
    private readonly nuint capacity;
    private int references = 1;

    public TensorStorage(NativeMemoryPool pool, nuint bytes)
    {
        this.pool = pool;
        Pointer = pool.Rent(bytes, out capacity);
        Bytes = bytes;
    }

    public nint Pointer { get; private set; }

    public nuint Bytes { get; }

    public void AddReference()
    {
        if (Interlocked.Increment(ref references) <= 1)
            throw new ObjectDisposedException(nameof(Tensor), "the tensor's storage was already released");
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref references) != 0)
            return;
        var block = Pointer;
        Pointer = 0;
        pool.Return(block, capacity);
    }
}
