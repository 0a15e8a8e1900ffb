using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// All of A and B packed for one parallel call, in buffers the workers share, so that each micro-panel is packed once
/// however the tiles fall (splitting C among workers otherwise repacks the operand the split does not cut once per
/// chunk). A panel is packed by the first worker that needs it: a state per (K block, panel) goes from
/// <see cref="Unpacked"/> to <see cref="Packing"/> by compare-and-swap, the winner packs and publishes
/// <see cref="Ready"/>, anyone else waits for it; the workers thus share the packing without a barrier. One instance
/// per calling thread (like the per-thread job), grown to the largest call and reused: no allocation once warmed.
/// Layout: K block b (starting at k = p0, kc deep) of A is RowPanels·Mr·kc floats at offset RowPanels·Mr·p0, panel q
/// of it at q·Mr·kc further (and likewise for B with columns).
/// </summary>
internal sealed unsafe class SharedPacks
{
    private const int Unpacked = 0;
    private const int Packing = 1;
    private const int Ready = 2;

    [ThreadStatic]
    private static SharedPacks? perThread;

    private float* packedA;
    private float* packedB;
    private nuint capacityA;
    private nuint capacityB;
    private int[] stateA = [];
    private int[] stateB = [];

    public static SharedPacks ForCurrentThread => perThread ??= new SharedPacks();

    /// <summary>Makes room for <paramref name="tiling"/>'s operands and marks every panel unpacked.</summary>
    public void Reset(in GemmTiling tiling)
    {
        Reserve(ref packedA, ref capacityA, (nuint)tiling.RowPanels * (nuint)tiling.Mr * (nuint)tiling.K);
        Reserve(ref packedB, ref capacityB, (nuint)tiling.ColumnPanels * (nuint)tiling.Nr * (nuint)tiling.K);
        Clear(ref stateA, tiling.KBlocks * tiling.RowPanels);
        Clear(ref stateB, tiling.KBlocks * tiling.ColumnPanels);
    }

    /// <summary>Packed A micro-panel <paramref name="panel"/> of K block <paramref name="block"/>, packing it first if no
    /// worker has.</summary>
    public float* PanelA(in GemmProblem problem, in GemmTiling tiling, int block, int panel)
    {
        var p0 = tiling.KBlockStart(block);
        var kc = tiling.KBlockStart(block + 1) - p0;
        var target = packedA + (nint)tiling.RowPanels * tiling.Mr * p0 + (nint)panel * tiling.Mr * kc;
        ref var state = ref stateA[block * tiling.RowPanels + panel];
        if (Volatile.Read(ref state) != Ready && Claim(ref state))
        {
            var row = panel * tiling.Mr;
            GemmPacking.PackA(problem.A, row, p0, Math.Min(tiling.Mr, problem.M - row), kc, tiling.Mr, target);
            Volatile.Write(ref state, Ready);
        }

        return target;
    }

    /// <summary>As <see cref="PanelA"/> for B's column micro-panel <paramref name="panel"/>.</summary>
    public float* PanelB(in GemmProblem problem, in GemmTiling tiling, int block, int panel)
    {
        var p0 = tiling.KBlockStart(block);
        var kc = tiling.KBlockStart(block + 1) - p0;
        var target = packedB + (nint)tiling.ColumnPanels * tiling.Nr * p0 + (nint)panel * tiling.Nr * kc;
        ref var state = ref stateB[block * tiling.ColumnPanels + panel];
        if (Volatile.Read(ref state) != Ready && Claim(ref state))
        {
            var column = panel * tiling.Nr;
            GemmPacking.PackB(problem.B, p0, column, kc, Math.Min(tiling.Nr, problem.N - column), tiling.Nr, target);
            Volatile.Write(ref state, Ready);
        }

        return target;
    }

    /// <summary>True when the caller must pack the panel; false once another worker has made it ready.</summary>
    private static bool Claim(ref int state)
    {
        if (Interlocked.CompareExchange(ref state, Packing, Unpacked) == Unpacked)
            return true;
        var spin = new SpinWait();
        while (Volatile.Read(ref state) != Ready)
            spin.SpinOnce();
        return false;
    }

    private static void Reserve(ref float* buffer, ref nuint capacity, nuint floats)
    {
        if (capacity >= floats)
            return;
        NativeMemory.AlignedFree(buffer);
        buffer = (float*)NativeMemory.AlignedAlloc(floats * sizeof(float), 64);
        capacity = floats;
    }

    private static void Clear(ref int[] states, int count)
    {
        if (states.Length < count)
            states = new int[count];
        else
            Array.Clear(states, 0, count);
    }
}
