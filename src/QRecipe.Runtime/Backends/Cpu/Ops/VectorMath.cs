using System;
using System.Numerics;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Vectorised reductions and scalings of one contiguous row, shared by the row-wise operations.</summary>
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
        for (; i <= count - lanes; i += lanes)
            sums += Vector.Load(x + i);
        var sum = Vector.Sum(sums);
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
        for (; i <= count - lanes; i += lanes)
        {
            var d = Vector.Load(x + i) - c;
            sums = Vector.FusedMultiplyAdd(d, d, sums);
        }

        var sum = Vector.Sum(sums);
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
