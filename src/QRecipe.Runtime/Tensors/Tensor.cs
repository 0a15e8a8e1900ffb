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

    /// <summary>Address of the first element for reading and writing on the host: values a device wrote are copied
    /// back first, and the device's copy becomes stale. Valid until the last tensor sharing the storage is disposed.</summary>
    internal nint Address => HostAddress(write: true);

    /// <summary>Address of the first element for reading on the host: values a device wrote are copied back first,
    /// and a device copy stays valid.</summary>
    internal nint ReadAddress => HostAddress(write: false);

    internal float* Float32Pointer => (float*)Address;

    internal float* Float32ReadPointer => (float*)ReadAddress;

    /// <summary>Whether this tensor starts at the storage's first byte and covers all of it.</summary>
    private bool CoversStorage => byteOffset == 0 && (nuint)(ElementCount * DataType.SizeInBytes()) == storage.Bytes;

    /// <summary>Whether both tensors start at the same element of the same storage (in-place use), without touching the data.</summary>
    internal bool StartsAt(Tensor other) => storage == other.storage && byteOffset == other.byteOffset;

    /// <summary>The first element's address in <paramref name="memory"/>'s copy of the storage, brought up to date
    /// for reading; for <paramref name="write"/> the host copy becomes stale. Pass inputs before outputs: an output
    /// that covers its whole storage is not uploaded.</summary>
    internal ulong DeviceAddress(IDeviceMemory memory, bool write)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return storage.DevicePointer(memory, write, write && CoversStorage) + (ulong)byteOffset;
    }

    private nint HostAddress(bool write)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return storage.HostPointer(write) + byteOffset;
    }

    /// <summary>The elements for reading and writing on the host (see <see cref="Address"/>). Write through the span
    /// before the next device operation on this tensor: the device copy is marked stale when the span is taken, so
    /// writes after a device operation has read the tensor again would not reach the device.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged => new((void*)Address, CheckedCount<T>());

    /// <summary>The elements for reading on the host; a device copy stays valid.</summary>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged => new((void*)ReadAddress, CheckedCount<T>());

    private int CheckedCount<T>() where T : unmanaged
    {
        var requested = DataTypeInfo.Of<T>();
        if (requested != DataType)
            throw new InvalidOperationException($"tensor {Shape} holds {DataType.Name()}, not {requested.Name()}");
        return checked((int)ElementCount);
    }

    public T[] ToArray<T>() where T : unmanaged => AsReadOnlySpan<T>().ToArray();

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        storage.Release();
    }

    public override string ToString() => $"Tensor{Shape} {DataType.Name()}";
}
