using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Decode;

/// <summary>The fp32 decode of integer partials (docs/sc-engine.md), rows in parallel, vectorised where the
/// scalar formula's roundings can be kept in the same order.</summary>
internal static class ScPartialDecoder
{
    /// <summary>Decodes every row in parallel: all partials into one n×m output, or partial s into slice s. The
    /// output is overwritten.</summary>
    public static unsafe void DecodeInto(IReadOnlyList<ScPartial> partials, bool perSlice, int n, int m, ScGeometry g, Span<float> output)
    {
        fixed (float* pointer = output)
            DecodeInto(partials, perSlice, n, m, g, (nint)pointer);
    }

    private static unsafe void DecodeInto(IReadOnlyList<ScPartial> partials, bool perSlice, int n, int m, ScGeometry g, nint output)
    {
        var factor = g.DecodeFactor;
        var columnScales = new float[partials.Count][];
        for (var p = 0; p < partials.Count; p++)
            columnScales[p] = ColumnScales(partials[p].A, partials[p].B, partials[p].Decode, factor);
        var rowsPerTask = Math.Max(1, (1 << 13) / m);
        var chunks = (n + rowsPerTask - 1) / rowsPerTask;
        var slices = perSlice ? partials.Count : 1;
        Parallel.For(0, slices * chunks, task =>
        {
            var (slice, chunk) = (task / chunks, task % chunks);
            for (var i = chunk * rowsPerTask; i < Math.Min(n, (chunk + 1) * rowsPerTask); i++)
            {
                var row = new Span<float>((float*)output + (long)(slice * n + i) * m, m);
                if (perSlice)
                    DecodeRow(partials[slice], columnScales[slice], i, row, factor, first: true);
                else
                {
                    for (var p = 0; p < partials.Count; p++)
                        DecodeRow(partials[p], columnScales[p], i, row, factor, first: p == 0);
                }
            }
        });
        foreach (var partial in partials)
        {
            if (partial.Pooled)
                System.Buffers.ArrayPool<int>.Shared.Return(partial.Acc);
        }
    }

    /// <summary>b's fp32 scales for the vector decode: fp32(sb) for per-row scales; fp32(qmax²/L)·fp32(sq·sk) for a
    /// head (one scale for all of a's rows). Empty where the decode stays scalar (zero points, double scales).</summary>
    private static float[] ColumnScales(ScCodes qa, ScCodes qb, ScDecode decode, float factor)
    {
        if (decode == ScDecode.RowScales && qa.ZeroPoint is null)
        {
            var scales = new float[qb.Rows];
            for (var j = 0; j < scales.Length; j++)
                scales[j] = (float)qb.Scale[j];
            return scales;
        }

        if (decode == ScDecode.HeadScale && Array.TrueForAll(qa.Scale, v => v == qa.Scale[0]))
        {
            var scales = new float[qb.Rows];
            for (var j = 0; j < scales.Length; j++)
                scales[j] = factor * (float)(qa.Scale[0] * qb.Scale[j]);
            return scales;
        }

        return [];
    }

    /// <summary>The vector decode of a product of qa and qb as the row-table kernel fuses it into its writes to
    /// <paramref name="output"/> (the same operations as <see cref="AddRowScaled"/>); null where the decode is scalar.</summary>
    public static ScFusedDecode? Fused(ScCodes qa, ScCodes qb, ScDecode decode, float factor, nint output)
    {
        var columns = ColumnScales(qa, qb, decode, factor);
        if (columns.Length == 0)
            return null;
        if (decode == ScDecode.HeadScale)
            return new ScFusedDecode(output, 1f, null, columns);
        var rows = new float[qa.Rows];
        for (var i = 0; i < rows.Length; i++)
            rows[i] = (float)qa.Scale[i];
        return new ScFusedDecode(output, factor, rows, columns);
    }

    /// <summary>Adds row i's terms into the output row; the first partial clears the row first (while it is in cache,
    /// instead of a separate pass over the whole output).</summary>
    private static void DecodeRow(ScPartial partial, float[] columnScales, int i, Span<float> output, float factor, bool first)
    {
        if (first)
            output.Clear();
        var (qa, qb) = (partial.A, partial.B);
        var m = output.Length;
        var acc = partial.Acc.AsSpan(i * m, m);
        if (columnScales.Length > 0)
        {
            // A head's column scales already hold the factor and a's scale; multiplying by 1 is exact.
            if (partial.Decode == ScDecode.HeadScale)
                AddRowScaled(acc, 1f, 1f, columnScales, output);
            else
                AddRowScaled(acc, factor, (float)qa.Scale[i], columnScales, output);
            return;
        }

        if (partial.Decode == ScDecode.HeadScale)
        {
            for (var j = 0; j < m; j++)
                output[j] += acc[j] * (factor * (float)(qa.Scale[i] * qb.Scale[j]));
            return;
        }

        var tensor = partial.Decode == ScDecode.TensorScales;
        var scaleA = (float)qa.Scale[i];
        var zeroPoints = qa.ZeroPoint is { } zpA && qb.ZeroPoint is { } zpB ? (zpA, zpB) : default;
        for (var j = 0; j < m; j++)
        {
            var raw = (float)acc[j] * factor;
            if (zeroPoints.zpA is { } za)
                raw += -zeroPoints.zpB[j] * qa.RowSum![i] - za[i] * qb.RowSum![j] + qa.Dims * za[i] * zeroPoints.zpB[j];
            output[j] += raw * (tensor ? (float)(qa.Scale[i] * qb.Scale[j]) : scaleA * (float)qb.Scale[j]);
        }
    }

    /// <summary>output[j] += (fp32(acc[j])·factor)·(scaleA·scale[j]) (scmp's per-row order), without fused multiply-adds,
    /// as the scalar form.</summary>
    private static void AddRowScaled(ReadOnlySpan<int> acc, float factor, float scaleA, ReadOnlySpan<float> scale, Span<float> output)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (f, sa) = (Vector512.Create(factor), Vector512.Create(scaleA));
            for (; j + 16 <= output.Length; j += 16)
            {
                var raw = Vector512.ConvertToSingle(Vector512.Create(acc[j..])) * f;
                (Vector512.Create(output[j..]) + raw * (sa * Vector512.Create(scale[j..]))).CopyTo(output[j..]);
            }
        }

        for (; j < output.Length; j++)
            output[j] += (float)acc[j] * factor * (scaleA * scale[j]);
    }
}
