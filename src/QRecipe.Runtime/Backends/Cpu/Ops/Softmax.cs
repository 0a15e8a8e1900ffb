using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Softmax over the last axis, stabilised by subtracting the row maximum first (so exp never overflows and
/// |x| up to float max gives no NaN); the DiT applies it over the keys of the attention scores. A row is read twice
/// (maximum; exponentials and their sum) and its output scaled once; on AVX-512 all three passes run on 16 lanes.</summary>
internal static unsafe class Softmax
{
    public static void Run(float* input, float* output, int rows, int width) =>
        RowParallel.For(rows, (long)rows * width, new RowOperands { X = input, Output = output, Width = width }, &Rows);

    private static void Rows(in RowOperands o, int start, int end)
    {
        var w = o.Width;
        for (var r = start; r < end; r++)
        {
            var y = o.Output + (nint)r * w;
            var sum = Exponentials(o.X + (nint)r * w, y, w, out _);
            Scale(y, w, 1f / sum);
        }
    }

    /// <summary>y = exp(x − max x) over one row, unnormalised; returns Σy. <paramref name="finite"/> tells whether
    /// every x was finite (a NaN or ±∞ input leaves NaN in the row or its sum). y may be x.</summary>
    public static float Exponentials(float* x, float* y, int width, out bool finite) =>
        VectorExp.WideSupported ? ExponentialsWide(x, y, width, out finite) : ExponentialsNarrow(x, y, width, out finite);

    /// <summary>x *= factor over one row.</summary>
    public static void Scale(float* x, int width, float factor)
    {
        if (VectorExp.WideSupported)
            ScaleWide(x, width, factor);
        else
            VectorMath.Scale(x, width, factor);
    }

    /// <summary>The 16-lane row: two passes unrolled by two vectors; a ragged tail goes through a 16-float stack
    /// buffer padded with −∞ (neutral for the maximum, exp(−∞) = 0 for the sum), so in-place rows never reread an
    /// element already overwritten. The finiteness probe accumulates x·0, which is ±0 for a number and NaN for NaN
    /// and ±∞ (over the tail's own elements only: the padding is −∞).</summary>
    internal static float ExponentialsWide(float* x, float* y, int width, out bool finite)
    {
        var tail = stackalloc float[Vector512<float>.Count];
        var lanes = Vector512<float>.Count;
        var zero = Vector512<float>.Zero;
        var best0 = Vector512.Create(float.NegativeInfinity);
        var best1 = best0;
        var probe0 = zero;
        var probe1 = zero;
        var i = 0;
        for (; i <= width - 2 * lanes; i += 2 * lanes)
        {
            var a = Vector512.Load(x + i);
            var b = Vector512.Load(x + i + lanes);
            best0 = Vector512.MaxNative(best0, a);
            best1 = Vector512.MaxNative(best1, b);
            probe0 = Vector512.FusedMultiplyAdd(a, zero, probe0);
            probe1 = Vector512.FusedMultiplyAdd(b, zero, probe1);
        }
        for (; i <= width - lanes; i += lanes)
        {
            var a = Vector512.Load(x + i);
            best0 = Vector512.MaxNative(best0, a);
            probe0 = Vector512.FusedMultiplyAdd(a, zero, probe0);
        }
        var rest = width - i;
        var tailProbe = 0f;
        if (rest > 0)
        {
            best0 = Vector512.MaxNative(best0, Padded(x + i, rest, tail));
            for (var j = i; j < width; j++)
                tailProbe += x[j] * 0f;
        }
        var probe = probe0 + probe1;
        finite = Vector512.EqualsAll(probe, probe) && tailProbe == 0f;

        var shift = Vector512.Create(HorizontalMax(Vector512.MaxNative(best0, best1)));
        var sums0 = zero;
        var sums1 = zero;
        i = 0;
        for (; i <= width - 2 * lanes; i += 2 * lanes)
        {
            var e0 = VectorExp.Exp(Vector512.Load(x + i) - shift);
            var e1 = VectorExp.Exp(Vector512.Load(x + i + lanes) - shift);
            e0.Store(y + i);
            e1.Store(y + i + lanes);
            sums0 += e0;
            sums1 += e1;
        }
        for (; i <= width - lanes; i += lanes)
        {
            var e = VectorExp.Exp(Vector512.Load(x + i) - shift);
            e.Store(y + i);
            sums0 += e;
        }
        if (rest > 0)
        {
            var e = VectorExp.Exp(Padded(x + i, rest, tail) - shift);
            sums0 += e;
            e.Store(tail);
            new ReadOnlySpan<float>(tail, rest).CopyTo(new Span<float>(y + i, rest));
        }
        return Vector512.Sum(sums0 + sums1);
    }

    /// <summary>The <see cref="Vector{T}"/> row (no AVX-512): maximum and probe, then exponentials and sum, scalar tails.</summary>
    internal static float ExponentialsNarrow(float* x, float* y, int width, out bool finite)
    {
        var lanes = Vector<float>.Count;
        var best = new Vector<float>(float.NegativeInfinity);
        var probes = Vector<float>.Zero;
        var i = 0;
        for (; i <= width - lanes; i += lanes)
        {
            var v = Vector.Load(x + i);
            best = Vector.Max(best, v);
            probes = Vector.FusedMultiplyAdd(v, Vector<float>.Zero, probes);
        }
        var max = float.NegativeInfinity;
        for (var l = 0; l < lanes; l++)
            max = MathF.Max(max, best[l]);
        var probe = Vector.Sum(probes);
        for (; i < width; i++)
        {
            max = MathF.Max(max, x[i]);
            probe += x[i] * 0f;
        }
        finite = probe == 0f;

        var shift = new Vector<float>(max);
        var sums = Vector<float>.Zero;
        i = 0;
        for (; i <= width - lanes; i += lanes)
        {
            var e = VectorExp.Exp(Vector.Load(x + i) - shift);
            e.Store(y + i);
            sums += e;
        }

        var sum = Vector.Sum(sums);
        for (; i < width; i++)
        {
            y[i] = MathF.Exp(x[i] - max);
            sum += y[i];
        }
        return sum;
    }

    /// <summary>x *= factor on 16 lanes.</summary>
    private static void ScaleWide(float* x, int width, float factor)
    {
        var lanes = Vector512<float>.Count;
        var f = Vector512.Create(factor);
        var i = 0;
        for (; i <= width - lanes; i += lanes)
            (Vector512.Load(x + i) * f).Store(x + i);
        for (; i < width; i++)
            x[i] *= factor;
    }

    /// <summary>count (&lt; 16) floats from x, the remaining lanes −∞.</summary>
    private static Vector512<float> Padded(float* x, int count, float* buffer)
    {
        new Span<float>(buffer, Vector512<float>.Count).Fill(float.NegativeInfinity);
        new ReadOnlySpan<float>(x, count).CopyTo(new Span<float>(buffer, count));
        return Vector512.Load(buffer);
    }

    private static float HorizontalMax(Vector512<float> v)
    {
        var half = Vector256.MaxNative(v.GetLower(), v.GetUpper());
        var quarter = Vector128.MaxNative(half.GetLower(), half.GetUpper());
        return MathF.Max(MathF.Max(quarter[0], quarter[1]), MathF.Max(quarter[2], quarter[3]));
    }
}
