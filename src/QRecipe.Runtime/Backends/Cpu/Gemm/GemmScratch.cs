using System;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>Per-thread packing buffers, allocated once per thread at the largest size ever used, so that a warmed-up
/// GEMM allocates nothing. Thread-local (not per worker index) so that nested and concurrent calls never share.</summary>
internal sealed unsafe class GemmScratch
{
    [ThreadStatic]
    private static GemmScratch? current;

    private GemmScratch()
    {
    }

    /// <summary>Zeros wide enough for any kernel tile row (up to 64 floats): the addend of an unbiased first K block.</summary>
    public static float* Zeros { get; } = AllocateZeroed(64);

    public float* PackedA { get; private set; }

    public float* PackedB { get; private set; }

    /// <summary>An Rows×Columns tile for partial (edge) tiles.</summary>
    public float* Tile { get; private set; }

    private nuint capacityA;
    private nuint capacityB;

    public static GemmScratch ForCurrentThread(nuint floatsA, nuint floatsB)
    {
        var scratch = current ??= new GemmScratch { Tile = AllocateZeroed(64 * 64) };
        if (scratch.capacityA < floatsA)
        {
            NativeMemory.AlignedFree(scratch.PackedA);
            scratch.PackedA = (float*)NativeMemory.AlignedAlloc(floatsA * sizeof(float), 64);
            scratch.capacityA = floatsA;
        }

        if (scratch.capacityB < floatsB)
        {
            NativeMemory.AlignedFree(scratch.PackedB);
            scratch.PackedB = (float*)NativeMemory.AlignedAlloc(floatsB * sizeof(float), 64);
            scratch.capacityB = floatsB;
        }

        return scratch;
    }

    private static float* AllocateZeroed(int floats)
    {
        var block = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
        new Span<float>(block, floats).Clear();
        return block;
    }
}
