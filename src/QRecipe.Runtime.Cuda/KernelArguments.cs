using System.Collections.Generic;

namespace QRecipe.Runtime.Cuda;

/// <summary>
/// The parameter block of one kernel launch: each argument occupies an 8-byte slot (little-endian, so 4-byte
/// arguments sit in the low half) and cuLaunchKernel receives a pointer to each slot. Order and types must match the
/// kernel's signature in Kernels/*.cu.
/// </summary>
internal sealed class KernelArguments
{
    private readonly List<ulong> slots = [];

    public KernelArguments Pointer(DeviceBuffer buffer) => Add(buffer.Pointer);

    public KernelArguments Int(int value) => Add((uint)value);

    public KernelArguments Long(long value) => Add((ulong)value);

    public KernelArguments ULong(ulong value) => Add(value);

    public KernelArguments Float(float value) => Add(System.BitConverter.SingleToUInt32Bits(value));

    public KernelArguments Double(double value) => Add(System.BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Appends the slots of <paramref name="other"/>.</summary>
    public KernelArguments Append(KernelArguments other)
    {
        slots.AddRange(other.slots);
        return this;
    }

    /// <summary>Runs <paramref name="launch"/> with the array of slot pointers, the slots pinned meanwhile.</summary>
    public unsafe void With(LaunchAction launch)
    {
        var values = slots.ToArray();
        var pointers = stackalloc void*[values.Length];
        fixed (ulong* p = values)
        {
            for (var i = 0; i < values.Length; i++)
                pointers[i] = p + i;
            launch(pointers);
        }
    }

    public unsafe delegate void LaunchAction(void** arguments);

    private KernelArguments Add(ulong value)
    {
        slots.Add(value);
        return this;
    }
}
