using System;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Sc.MixedPrecision;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>
/// FP → SC-domain quantization (docs/sc-engine.md), reproducing each scmp path's fp32/double recipe so the
/// integer codes match bit for bit. All rounding is half to even.
/// </summary>
public static class ScQuantizer
{
    // The grouped and fused quantizers write into `into` when it has the right shape (codes a caller reuses).

    /// <summary>A range per row group, bipolar or unipolar, as an SC call's mode asks.</summary>
    public static ScCodes Grouped(ReadOnlySpan<float> x, int rows, int dims, int group, in ScGeometry g, bool unipolar, ScCodes? into = null) =>
        unipolar ? UnipolarGrouped(x, rows, dims, group, g, into) : BipolarGrouped(x, rows, dims, group, g, into);

    /// <summary>One range for the whole tensor, bipolar or unipolar, as an SC call's mode asks.</summary>
    public static ScCodes PerTensor(ReadOnlySpan<float> x, int rows, int dims, in ScGeometry g, bool unipolar) =>
        unipolar ? UnipolarPerTensor(x, rows, dims, g) : BipolarPerTensor(x, rows, dims, g);

    private const float MinRangeF = 1e-5f;
    private const double MinRangeD = 1e-5;

    /// <summary>Bipolar with a range per group of <paramref name="group"/> consecutive rows (a final partial group
    /// gets its own); fp32 <c>x / scale</c> (<c>_grouped_symmetric_quant</c>).</summary>
    public static ScCodes BipolarGrouped(ReadOnlySpan<float> x, int rows, int dims, int group, in ScGeometry g, ScCodes? into = null)
    {
        var codes = ScCodes.Reuse(into, rows, dims, unipolar: false);
        var geometry = g;
        RowGroups.Run(x, rows, dims, group, (x, r0, r1) =>
        {
            var scale = Math.Max(AbsMax(x[(r0 * dims)..(r1 * dims)]), MinRangeF) / geometry.QMax;
            codes.Scale.AsSpan(r0, r1 - r0).Fill(scale);
            // The group's rows in one call: element-wise the same, but vectorised across row ends.
            BipolarRow.Quantize(x[(r0 * dims)..(r1 * dims)], scale, divide: true, codes, r0 * dims, geometry);
        });
        return codes;
    }

    /// <summary>Bipolar, one range for the whole tensor; scale and 1/scale in double, kernel <c>x·fp32(inv)</c>
    /// (<c>fused_quantize_bipolar</c>).</summary>
    public static ScCodes BipolarPerTensor(ReadOnlySpan<float> x, int rows, int dims, in ScGeometry g)
    {
        var codes = new ScCodes(rows, dims, unipolar: false);
        var scale = Math.Max((double)AbsMax(x), MinRangeD) / g.QMax;
        var inv = (float)(1.0 / scale);
        Array.Fill(codes.Scale, scale);
        var geometry = g;
        RowGroups.Run(x, rows, dims, RowGroups.ParallelRows, (x, r0, r1) =>
        {
            BipolarRow.Quantize(x[(r0 * dims)..(r1 * dims)], inv, divide: false, codes, r0 * dims, geometry);
        });
        return codes;
    }

    /// <summary>Bipolar with fp32 <c>scale = absmax/qmax</c>, <c>inv = 1/scale</c>, <c>x·inv</c>, one range for all
    /// rows: the per-head kernel on one head, and the chunked path on one (row, chunk).</summary>
    public static ScCodes BipolarFusedFp32(ReadOnlySpan<float> x, int rows, int dims, bool perRow, in ScGeometry g, ScCodes? into = null)
    {
        var codes = ScCodes.Reuse(into, rows, dims, unipolar: false);
        var geometry = g;
        RowGroups.Run(x, rows, dims, perRow ? 1 : rows, (x, r0, r1) =>
        {
            var scale = Math.Max(AbsMax(x[(r0 * dims)..(r1 * dims)]), MinRangeF) / geometry.QMax;
            codes.Scale.AsSpan(r0, r1 - r0).Fill(scale);
            BipolarRow.Quantize(x[(r0 * dims)..(r1 * dims)], 1f / scale, divide: false, codes, r0 * dims, geometry);
        });
        return codes;
    }

    /// <summary>Unipolar with a range per row group, all fp32 (<c>_grouped_asymmetric_quant</c>).</summary>
    public static ScCodes UnipolarGrouped(ReadOnlySpan<float> x, int rows, int dims, int group, in ScGeometry g, ScCodes? into = null)
    {
        var codes = ScCodes.Reuse(into, rows, dims, unipolar: true);
        var geometry = g;
        RowGroups.Run(x, rows, dims, group, (x, r0, r1) =>
        {
            var (min, max) = MinMax(x[(r0 * dims)..(r1 * dims)]);
            var scale = Math.Max(max - min, MinRangeF) / geometry.QMax;
            var zp = Math.Clamp(MathF.Round(-min / scale), 0f, geometry.QMax);
            for (var r = r0; r < r1; r++)
            {
                codes.Scale[r] = scale;
                codes.ZeroPoint![r] = zp;
                for (var d = 0; d < dims; d++)
                    SetUnipolar(codes, r, d, MathF.Round(x[r * dims + d] / scale + zp), geometry);
            }
        });
        return codes;
    }

    /// <summary>Unipolar per tensor: scalars in double, kernel <c>x·fp32(inv) + fp32(zp)</c>
    /// (<c>fused_quantize_unipolar</c>).</summary>
    public static ScCodes UnipolarPerTensor(ReadOnlySpan<float> x, int rows, int dims, in ScGeometry g)
    {
        var codes = new ScCodes(rows, dims, unipolar: true);
        var (min, max) = MinMax(x);
        var scale = Math.Max((double)max - min, MinRangeD) / g.QMax;
        var zp = (float)Math.Clamp(Math.Round(-(double)min / scale), 0, g.QMax);
        var inv = (float)(1.0 / scale);
        Array.Fill(codes.Scale, scale);
        Array.Fill(codes.ZeroPoint!, zp);
        var geometry = g;
        RowGroups.Run(x, rows, dims, RowGroups.ParallelRows, (x, r0, r1) =>
        {
            for (var r = r0; r < r1; r++)
            {
                for (var d = 0; d < dims; d++)
                    SetUnipolar(codes, r, d, MathF.Round(x[r * dims + d] * inv + zp), geometry);
            }
        });
        return codes;
    }

    private static void SetUnipolar(ScCodes codes, int row, int d, float rounded, in ScGeometry g)
    {
        var value = (int)Math.Clamp(rounded, 0f, g.QMax);
        var index = row * codes.Dims + d;
        codes.Value[index] = (short)value;
        codes.Sign[index] = 1;
        codes.Boundary[index] = BoundaryTable(g)[value];
        codes.RowSum![row] += value;
    }

    /// <summary>ToBoundary for 0..qmax, computed once per (G, qmax): the integer division is the quantizer's
    /// most expensive step otherwise.</summary>
    internal static ushort[] BoundaryTable(in ScGeometry g)
    {
        var cached = boundaryTable;
        if (cached is not null && cached.Grid == g.G && cached.QMax == g.QMax)
            return cached.Values;
        var values = new ushort[g.QMax + 1];
        for (var v = 0; v <= g.QMax; v++)
            values[v] = ScCodes.ToBoundary(v, g.G, g.QMax);
        boundaryTable = new BoundaryCache(g.G, g.QMax, values);
        return values;
    }

    [ThreadStatic]
    private static BoundaryCache? boundaryTable;

    private sealed record BoundaryCache(int Grid, int QMax, ushort[] Values);

    /// <summary>max(|min|, |max|) = max |x|, NaN if any x is NaN (as Math.Min/Max propagate it).</summary>
    private static float AbsMax(ReadOnlySpan<float> x)
    {
        if (!Vector512.IsHardwareAccelerated || x.Length < Vector512<float>.Count)
        {
            var (min, max) = MinMax(x);
            return Math.Max(Math.Abs(min), Math.Abs(max));
        }

        var best = Vector512<float>.Zero;
        var nan = Vector512<float>.Zero;
        var i = 0;
        for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
        {
            var v = Vector512.Abs(Vector512.Create(x[i..]));
            best = Vector512.MaxNative(best, v);
            nan |= ~Vector512.Equals(v, v);
        }

        var result = 0f;
        for (var lane = 0; lane < Vector512<float>.Count; lane++)
            result = Math.Max(result, best[lane]);
        for (; i < x.Length; i++)
        {
            result = Math.Max(result, Math.Abs(x[i]));
            if (float.IsNaN(x[i]))
                return float.NaN;
        }

        return nan == Vector512<float>.Zero ? result : float.NaN;
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in x)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (min, max);
    }
}
