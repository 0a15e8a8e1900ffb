using System;

namespace QRecipe.Runtime.Cuda;

/// <summary>A block of device memory (cuMemAlloc), freed on dispose. Copies run on the device's stream and wait for
/// it, so host memory may be reused as soon as a copy returns.</summary>
public sealed unsafe class DeviceBuffer : IDisposable
{
    private readonly CudaDevice device;
    private bool disposed;

    internal DeviceBuffer(CudaDevice device, long bytes)
    {
        this.device = device;
        Bytes = bytes;
        Pointer = device.Allocate(bytes);
    }

    public long Bytes { get; }

    /// <summary>The CUdeviceptr; kernels take it by value.</summary>
    public ulong Pointer { get; }

    public void Upload<T>(ReadOnlySpan<T> source) where T : unmanaged
    {
        var bytes = (long)source.Length * sizeof(T);
        CheckSize(bytes);
        fixed (T* p = source)
            device.CopyToDevice(Pointer, p, bytes);
    }

    public void Download<T>(Span<T> destination) where T : unmanaged
    {
        var bytes = (long)destination.Length * sizeof(T);
        CheckSize(bytes);
        fixed (T* p = destination)
            device.CopyToHost(p, Pointer, bytes);
    }

    public T[] Download<T>(int count) where T : unmanaged
    {
        var result = new T[count];
        Download<T>(result);
        return result;
    }

    public void Clear() => device.Zero(Pointer, Bytes);

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        device.Free(Pointer, Bytes);
    }

    private void CheckSize(long bytes)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (bytes > Bytes)
            throw new ArgumentException($"a copy of {bytes} bytes does not fit a device buffer of {Bytes} bytes");
    }
}
