using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Vectorised inner loops of uniform quantization: Vector512 where AVX-512 is accelerated (the float32
/// division dominates, so the wider vector pays), System.Numerics.Vector otherwise.
/// Each lane computes exactly what <see cref="UniformGrid"/> computes for one value: the same IEEE float32 division,
/// round half to even, clamp and multiply, so vector and scalar paths agree bit for bit.</summary>
internal static class UniformKernels
{
    /// <summary>Minimum and maximum of <paramref name="values"/>; false when any value is NaN or infinite.</summary>
    public static bool MinMax(ReadOnlySpan<float> values, out float min, out float max)
    {
        if (Vector512.IsHardwareAccelerated && values.Length >= Vector512<float>.Count)
            return MinMax512(values, out min, out max);
        var i = 0;
        var vmin = new Vector<float>(float.PositiveInfinity);
        var vmax = new Vector<float>(float.NegativeInfinity);
        var poison = Vector<float>.Zero; // x − x is 0 for finite x and NaN for NaN/±Inf
        if (values.Length >= Vector<float>.Count)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in vs)
            {
                vmin = Vector.Min(vmin, v);
                vmax = Vector.Max(vmax, v);
                poison += v - v;
            }
            i = vs.Length * Vector<float>.Count;
        }
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        var finite = Vector.EqualsAll(poison, Vector<float>.Zero);
        for (var l = 0; l < Vector<float>.Count; l++)
        {
            min = MathF.Min(min, vmin[l]);
            max = MathF.Max(max, vmax[l]);
        }
        for (; i < values.Length; i++)
        {
            var x = values[i];
            finite &= float.IsFinite(x);
            min = MathF.Min(min, x);
            max = MathF.Max(max, x);
        }
        return finite;
    }

    /// <summary><see cref="MinMax"/> with 16 lanes: half the iterations of the 8-lane loop on the short rows (64 to 256
    /// values) that per-token attention operands are made of.</summary>
    private static bool MinMax512(ReadOnlySpan<float> values, out float min, out float max)
    {
        var vs = MemoryMarshal.Cast<float, Vector512<float>>(values);
        var vmin = Vector512.Create(float.PositiveInfinity);
        var vmax = Vector512.Create(float.NegativeInfinity);
        var poison = Vector512<float>.Zero; // x − x is 0 for finite x and NaN for NaN/±Inf
        foreach (var v in vs)
        {
            vmin = Vector512.Min(vmin, v);
            vmax = Vector512.Max(vmax, v);
            poison += v - v;
        }
        var finite = Vector512.EqualsAll(poison, Vector512<float>.Zero);
        min = float.PositiveInfinity;
        max = float.NegativeInfinity;
        for (var l = 0; l < Vector512<float>.Count; l++)
        {
            min = MathF.Min(min, vmin[l]);
            max = MathF.Max(max, vmax[l]);
        }
        for (var i = vs.Length * Vector512<float>.Count; i < values.Length; i++)
        {
            var x = values[i];
            finite &= float.IsFinite(x);
            min = MathF.Min(min, x);
            max = MathF.Max(max, x);
        }
        return finite;
    }

    /// <summary>dst = grid.FakeQuantize(src), element-wise. src and dst may be the same span.</summary>
    public static void FakeQuantize(ReadOnlySpan<float> src, Span<float> dst, UniformGrid grid)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated && src.Length >= Vector512<float>.Count)
        {
            var s = Vector512.Create(grid.Scale);
            var z = Vector512.Create(grid.Zero);
            var lo = Vector512.Create(grid.Lo);
            var hi = Vector512.Create(grid.Hi);
            var vs = MemoryMarshal.Cast<float, Vector512<float>>(src);
            var vd = MemoryMarshal.Cast<float, Vector512<float>>(dst);
            for (var k = 0; k < vs.Length; k++)
            {
                var code = Vector512.Min(Vector512.Max(Vector512.Round(vs[k] / s) + z, lo), hi);
                vd[k] = s * (code - z);
            }
            i = vs.Length * Vector512<float>.Count;
        }
        else if (src.Length >= Vector<float>.Count)
        {
            var s = new Vector<float>(grid.Scale);
            var z = new Vector<float>(grid.Zero);
            var lo = new Vector<float>(grid.Lo);
            var hi = new Vector<float>(grid.Hi);
            var vs = MemoryMarshal.Cast<float, Vector<float>>(src);
            var vd = MemoryMarshal.Cast<float, Vector<float>>(dst);
            for (var k = 0; k < vs.Length; k++)
            {
                var code = Vector.Min(Vector.Max(Vector.Round(vs[k] / s) + z, lo), hi);
                vd[k] = s * (code - z);
            }
            i = vs.Length * Vector<float>.Count;
        }
        for (; i < src.Length; i++) dst[i] = grid.FakeQuantize(src[i]);
    }

    /// <summary>codes = grid.Code(src), element-wise.</summary>
    public static void Encode(ReadOnlySpan<float> src, Span<int> codes, UniformGrid grid)
    {
        for (var i = 0; i < src.Length; i++) codes[i] = (int)grid.Code(src[i]);
    }
}
