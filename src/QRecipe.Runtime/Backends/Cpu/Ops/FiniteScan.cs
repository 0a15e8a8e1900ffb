using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// Whether a float tensor holds no NaN or ±∞: the forward checks every operator's output this way, and the outputs
/// are almost always finite, so the common case is one read-only pass with a single FMA per vector (x·0 accumulated is
/// ±0 while every x is a number and NaN from the first NaN or ±∞ on), four accumulators deep, 16 lanes on AVX-512, on
/// all workers only for very large tensors. Counting and locating the bad values is left to the rare case that needs it.
/// </summary>
internal static unsafe class FiniteScan
{
    /// <summary>Floats below which the scan stays on the calling thread (16 MiB).</summary>
    private const long ParallelThreshold = 1 << 22;

    /// <summary>Floats per work item (64 KiB).</summary>
    private const int BlockFloats = 1 << 14;

    private struct Operands
    {
        public float* X;
        public long Count;
        public int* NonFinite;
    }

    public static bool AllFinite(float* x, long count)
    {
        // A forward's checked tensors (up to a few MB, just written, mostly in cache) scan in tens of microseconds:
        // waking the workers for them costs more than it saves, and far more when the host is loaded.
        if (count <= ParallelThreshold)
            return Finite(x, (int)count);
        var nonFinite = 0;
        var blocks = (int)((count + BlockFloats - 1) / BlockFloats);
        RangeParallel<Operands>.For(blocks, count, new Operands { X = x, Count = count, NonFinite = &nonFinite }, &Blocks);
        return Volatile.Read(ref nonFinite) == 0;
    }

    private static void Blocks(in Operands o, int start, int end)
    {
        var from = (long)start * BlockFloats;
        var to = Math.Min(o.Count, (long)end * BlockFloats);
        if (!Finite(o.X + from, (int)(to - from)))
            Volatile.Write(ref *o.NonFinite, 1);
    }

    /// <summary>Whether every one of <paramref name="count"/> floats is finite, on the calling thread.</summary>
    public static bool Finite(float* x, int count)
    {
        var i = 0;
        if (VectorExp.WideSupported)
        {
            var lanes = Vector512<float>.Count;
            var zero = Vector512<float>.Zero;
            Vector512<float> a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            for (; i <= count - 4 * lanes; i += 4 * lanes)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), zero, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + lanes), zero, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 2 * lanes), zero, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 3 * lanes), zero, a3);
            }
            for (; i <= count - lanes; i += lanes)
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), zero, a0);
            var probe = (a0 + a1) + (a2 + a3);
            if (!Vector512.EqualsAll(probe, probe))
                return false;
        }
        else
        {
            var lanes = Vector<float>.Count;
            var zero = Vector<float>.Zero;
            Vector<float> a0 = zero, a1 = zero;
            for (; i <= count - 2 * lanes; i += 2 * lanes)
            {
                a0 = Vector.FusedMultiplyAdd(Vector.Load(x + i), zero, a0);
                a1 = Vector.FusedMultiplyAdd(Vector.Load(x + i + lanes), zero, a1);
            }
            for (; i <= count - lanes; i += lanes)
                a0 = Vector.FusedMultiplyAdd(Vector.Load(x + i), zero, a0);
            var probe = a0 + a1;
            if (!Vector.EqualsAll(probe, probe))
                return false;
        }
        var rest = 0f;
        for (; i < count; i++)
            rest += x[i] * 0f;
        return rest == 0f;
    }
}
