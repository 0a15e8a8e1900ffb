using System;

namespace QRecipe.Runtime.Tensors;

/// <summary>
/// A dense row-major tensor in pooled, 64-byte-aligned native memory (the base tensor; views may start at any
/// element). The tensor owns a reference to its storage: dispose every tensor and view you create. Views
/// (<see cref="Reshape"/>, <see cref="Slice"/>, <see cref="Select"/>) share the storage without copying.
/// Vocabulary follows TorchSharp (reshape, narrow/slice, select) with .NET naming.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly TensorStorage storage;
    private readonly nint byteOffset;
    private bool disposed;

    private Tensor(TensorStorage storage, nint byteOffset, TensorShape shape, DataType dataType)
    {
        this.storage = storage;
        this.byteOffset = byteOffset;
        Shape = shape;
        DataType = dataType;
    }

    public TensorShape Shape { get; }

    public DataType DataType { get; }

    public long ElementCount => Shape.ElementCount;

    public int Rank => Shape.Rank;

    /// <summary>Allocates an uninitialised tensor from <paramref name="pool"/> (default: the shared pool).</summary>
    public static Tensor Empty(TensorShape shape, DataType dataType = DataType.Float32, NativeMemoryPool? pool = null)
    {
        var bytes = (nuint)shape.ElementCount * (nuint)dataType.SizeInBytes();
        TensorStorage storage;
        try
        {
            storage = new TensorStorage(pool ?? NativeMemoryPool.Shared, bytes);
        }
        catch (OutOfMemoryException e)
        {
            throw new OutOfMemoryException($"cannot allocate tensor {shape} {dataType.Name()}: {bytes} bytes requested", e);
        }

        return new Tensor(storage, 0, shape, dataType);
    }

    public static Tensor Empty(params int[] shape) => Empty(new TensorShape(shape));

    public static Tensor Zeros(TensorShape shape, DataType dataType = DataType.Float32)
    {
        var tensor = Empty(shape, dataType);
        new Span<byte>((void*)tensor.Address, checked((int)(shape.ElementCount * dataType.SizeInBytes()))).Clear();
        return tensor;
    }

    /// <summary>Copies <paramref name="values"/> into a new tensor of the given shape.</summary>
    public static Tensor From<T>(ReadOnlySpan<T> values, params int[] shape) where T : unmanaged
    {
        var tensorShape = new TensorShape(shape);
        if (tensorShape.ElementCount != values.Length)
            throw new ArgumentException($"From: {values.Length} values do not fill shape {tensorShape}", nameof(values));
        var tensor = Empty(tensorShape, DataTypeInfo.Of<T>());
        values.CopyTo(tensor.AsSpan<T>());
        return tensor;
    }

    public static Tensor From<T>(T[] values, params int[] shape) where T : unmanaged => From((ReadOnlySpan<T>)values, shape);

    /// <summary>Address of the first element; valid until the last tensor sharing the storage is disposed.</summary>
    internal nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return storage.Pointer + byteOffset;
        }
    }

    internal float* Float32Pointer => (float*)Address;

    public Span<T> AsSpan<T>() where T : unmanaged
    {
        var requested = DataTypeInfo.Of<T>();
        if (requested != DataType)
            throw new InvalidOperationException($"tensor {Shape} holds {DataType.Name()}, not {requested.Name()}");
        return new Span<T>((void*)Address, checked((int)ElementCount));
    }

    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        storage.Release();
    }

    public override string ToString() => $"Tensor{Shape} {DataType.Name()}";
}
