using System;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Kernels;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>One set of enable tables on the device, for one inner loop: the K table, and either the C table of the
/// shared-memory loop (<see cref="SharedBytes"/> not null) or b's sequences for the popcount loop. Tables are
/// immutable and shared across calls (<see cref="ScProduct"/> caches them), so <see cref="CudaScProduct"/> uploads
/// each once.</summary>
internal sealed class DeviceTables : IDisposable
{
    public DeviceTables(CudaDevice device, EnableTables tables, int? sharedBytes)
    {
        SharedBytes = sharedBytes;
        K = device.Upload<ushort>(tables.K);
        Table = sharedBytes is null ? null : device.Upload<ushort>(tables.Slices(0, 1)[0]);
        Sequence = sharedBytes is null ? device.Upload<ushort>(tables.Sequences.B) : null;
    }

    public DeviceBuffer K { get; }
    public DeviceBuffer? Table { get; }
    public DeviceBuffer? Sequence { get; }
    public int? SharedBytes { get; }

    public void Dispose()
    {
        K.Dispose();
        Table?.Dispose();
        Sequence?.Dispose();
    }
}
