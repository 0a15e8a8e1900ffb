using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Tensors;

/// <summary>A stand-in accelerator whose memory is managed arrays: addresses are block bases 2^32 apart, so an offset
/// into a block is visible in the address. Counts the copies each way, and lets a test play a kernel by writing
/// device memory directly.</summary>
internal sealed class HostArrayDeviceMemory : IDeviceMemory
{
    private readonly Dictionary<ulong, byte[]> blocks = new();
    private ulong next = 1UL << 32;

    public int Uploads { get; private set; }

    public int Downloads { get; private set; }

    public List<(ulong Block, nuint Bytes)> Released { get; } = [];

    public int LiveBlocks => blocks.Count;

    public ulong Allocate(nuint bytes)
    {
        var block = next;
        next += 1UL << 32;
        blocks[block] = new byte[(int)bytes];
        return block;
    }

    public void Release(ulong block, nuint bytes)
    {
        Released.Add((block, bytes));
        blocks.Remove(block);
    }

    public void Upload(ulong destination, nint source, nuint bytes)
    {
        Uploads++;
        var (block, offset) = Locate(destination);
        Marshal.Copy(source, block, offset, (int)bytes);
    }

    public void Download(nint destination, ulong source, nuint bytes)
    {
        Downloads++;
        var (block, offset) = Locate(source);
        Marshal.Copy(block, offset, destination, (int)bytes);
    }

    /// <summary>What a kernel would do: writes floats at a device address.</summary>
    public void Write(ulong address, params float[] values)
    {
        var (block, offset) = Locate(address);
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(block.AsSpan(offset));
    }

    public float[] Read(ulong address, int count)
    {
        var (block, offset) = Locate(address);
        return MemoryMarshal.Cast<byte, float>(block.AsSpan(offset, count * sizeof(float))).ToArray();
    }

    private (byte[] Block, int Offset) Locate(ulong address)
    {
        var b = blocks.Keys.Single(start => address >= start && address < start + (1UL << 32));
        return (blocks[b], (int)(address - b));
    }
}
