using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Vectorised reductions and scalings of one contiguous row, shared by the row-wise operations. The sums run
/// two 16-lane accumulators on AVX-512 (a DiT row of 384 floats is 12 vectors, so the add chain, not memory, bounds
/// them), then <see cref="Vector{T}"/> lanes, then scalars.</summary>
internal static unsafe class VectorMath
{
    public static float AbsMax(float* x, int count)
    {
        var lanes = Vector<float>.Count;
        var best = Vector<float>.Zero;
        var i = 0;
        for (; i <= count - lanes; i += lanes)
            best = Vector.Max(best, Vector.Abs(Vector.Load(x + i)));
        var result = 0f;
        for (var l = 0; l < lanes; l++)
            result = MathF.Max(result, best[l]);
        for (; i < count; i++)
            result = MathF.Max(result, MathF.Abs(x[i]));
        return result;
    }

    public static float Sum(float* x, int count)
    {
        var lanes = Vector<float>.Count;
        var sums = Vector<float>.Zero;
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512<float>.Zero, b = Vector512<float>.Zero;
            for (; i <= count - 32; i += 32)
            {
                a += Vector512.Load(x + i);
                b += Vector512.Load(x + i + 16);
            }
            for (; i <= count - 16; i += 16)
                a += Vector512.Load(x + i);
            sum = Vector512.Sum(a + b);
        }
        for (; i <= count - lanes; i += lanes)
            sums += Vector.Load(x + i);
        sum += Vector.Sum(sums);
        for (; i < count; i++)
            sum += x[i];
        return sum;
    }

    /// <summary>Σ (x − center)², the second pass of a two-pass variance (stable for large |x|).</summary>
    public static float SumOfSquaredDeviations(float* x, int count, float center)
    {
        var lanes = Vector<float>.Count;
        var c = new Vector<float>(center);
        var sums = Vector<float>.Zero;
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var wide = Vector512.Create(center);
            Vector512<float> a = Vector512<float>.Zero, b = Vector512<float>.Zero;
            for (; i <= count - 32; i += 32)
            {
                var d0 = Vector512.Load(x + i) - wide;
                var d1 = Vector512.Load(x + i + 16) - wide;
                a = Vector512.FusedMultiplyAdd(d0, d0, a);
                b = Vector512.FusedMultiplyAdd(d1, d1, b);
            }
            for (; i <= count - 16; i += 16)
            {
                var d = Vector512.Load(x + i) - wide;
                a = Vector512.FusedMultiplyAdd(d, d, a);
            }
            sum = Vector512.Sum(a + b);
        }
        for (; i <= count - lanes; i += lanes)
        {
            var d = Vector.Load(x + i) - c;
            sums = Vector.FusedMultiplyAdd(d, d, sums);
        }

        sum += Vector.Sum(sums);
        for (; i < count; i++)
        {
            var d = x[i] - center;
            sum += d * d;
        }

        return sum;
    }

    public static void Scale(float* x, int count, float factor)
    {
        var lanes = Vector<float>.Count;
        var f = new Vector<float>(factor);
        var i = 0;
        for (; i <= count - lanes; i += lanes)
            (Vector.Load(x + i) * f).Store(x + i);
        for (; i < count; i++)
            x[i] *= factor;
    }
}
