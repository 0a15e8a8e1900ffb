using System;
using System.Threading;

namespace QRecipe.Runtime.Tensors;

/// <summary>
/// A pooled native block shared by a tensor and its views; returned to the pool when the last one is disposed.
/// It may also have a copy in one device's memory (a GPU backend's working copy). The newer side is tracked per
/// block: host access brings the host copy up to date first, and access for writing marks the other copy stale,
/// so a chain of device operations never passes through host memory, and host code always sees the latest values.
/// </summary>
internal sealed class TensorStorage
{
    private readonly NativeMemoryPool pool;
    private readonly nuint capacity;
    private readonly object gate = new();
    private int references = 1;
    private volatile IDeviceMemory? device;
    private ulong devicePointer;
    private Newer newer;

    public TensorStorage(NativeMemoryPool pool, nuint bytes)
    {
        this.pool = pool;
        Pointer = pool.Rent(bytes, out capacity);
        Bytes = bytes;
    }

    /// <summary>Which copy holds the latest values when a device copy exists.</summary>
    private enum Newer
    {
        Same,
        Host,
        Device,
    }

    public nint Pointer { get; private set; }

    public nuint Bytes { get; }

    /// <summary>The host block, with the device's values copied back first if they are newer. Writing access
    /// makes the device copy stale.</summary>
    public nint HostPointer(bool write)
    {
        if (device is null)
            return Pointer;
        lock (gate)
        {
            if (device is { } memory)
            {
                if (newer == Newer.Device)
                {
                    memory.Download(Pointer, devicePointer, Bytes);
                    newer = Newer.Same;
                }
                if (write)
                    newer = Newer.Host;
            }
            return Pointer;
        }
    }

    /// <summary>The block's copy in <paramref name="memory"/>, made or refreshed from the host when it is stale, unless
    /// the caller is about to overwrite all of it. Writing access makes the host copy stale. A copy on another
    /// device is brought back to the host and dropped first.</summary>
    public ulong DevicePointer(IDeviceMemory memory, bool write, bool overwritesAll)
    {
        lock (gate)
        {
            if (device is { } other && other != memory)
            {
                if (newer == Newer.Device)
                    other.Download(Pointer, devicePointer, Bytes);
                other.Release(devicePointer, Bytes);
                device = null;
            }

            if (device is null)
            {
                devicePointer = memory.Allocate(Bytes);
                newer = Newer.Host;
                device = memory;
            }

            if (newer == Newer.Host)
            {
                if (!(write && overwritesAll))
                    memory.Upload(devicePointer, Pointer, Bytes);
                newer = Newer.Same;
            }
            if (write)
                newer = Newer.Device;
            return devicePointer;
        }
    }

    public void AddReference()
    {
        if (Interlocked.Increment(ref references) <= 1)
            throw new ObjectDisposedException(nameof(Tensor), "the tensor's storage was already released");
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref references) != 0)
            return;
        device?.Release(devicePointer, Bytes);
        device = null;
        var block = Pointer;
        Pointer = 0;
        pool.Return(block, capacity);
    }
}
