using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// The Gaussian noise surrogate (<see cref="ScNoiseSurrogate"/>, docs/sc-engine.md) under per-row, per-group and
/// per-head stream lengths. As exact mixed precision does it, one surrogate call runs per distinct stream
/// length on the sub-matrix at that length; L = 0 leaves the outputs 0. The noise of sub-call k of one operator comes
/// from Philox stream <c>streamBase + k</c>, so a run is reproducible from its seed whatever the thread count. The
/// products run where the given <see cref="IScSurrogate"/> runs them.
/// </summary>
internal static class ScSurrogateProducts
{
    /// <summary>2-D product with per-row scales (linear layers): a row stream per row of a and, with output-row
    /// groups, a column stream per row of b (null when uniform). Sub-call k = row level × column level, in order
    /// of first appearance. <paramref name="bRowScales"/>: b's <see cref="ScNoiseSurrogate.RowScales"/>, computed once
    /// per weight.</summary>
    public static float[] Multiply(IScSurrogate surrogate, ReadOnlySpan<float> a, int n, Tensor weight, float[] bRowScales, int m, int d,
        int[] rowStreams, int[]? columnStreams, NoiseModel noise, ScMode mode, ulong seed, ulong streamBase)
    {
        var rowLevels = rowStreams.Distinct().ToArray();
        var columnLevels = columnStreams?.Distinct().ToArray() ?? [int.MaxValue];
        if (rowLevels.Length == 1 && columnLevels.Length == 1)
            return surrogate.Multiply(a, n, weight, bRowScales, m, d, Math.Min(rowLevels[0], columnLevels[0]), noise, mode, seed, streamBase);
        var b = weight.AsReadOnlySpan<float>();
        var output = new float[n * m];
        var call = 0UL;
        foreach (var rowLevel in rowLevels)
        {
            var rows = Indices(rowStreams, rowLevel);
            foreach (var columnLevel in columnLevels)
            {
                var columns = columnStreams is null ? Enumerable.Range(0, m).ToArray() : Indices(columnStreams, columnLevel);
                var stream = Math.Min(rowLevel, columnLevel);
                var id = streamBase + call++;
                if (stream <= 0)
                    continue;
                using var sub = Tensor.Empty(columns.Length, d);
                Gather(b, d, columns, sub.AsSpan<float>());
                var part = surrogate.Multiply(Gather(a, d, rows), rows.Length, sub, Gather(bRowScales, 1, columns), columns.Length, d, stream, noise,
                    mode, seed, id);
                for (var r = 0; r < rows.Length; r++)
                {
                    for (var c = 0; c < columns.Length; c++)
                        output[rows[r] * m + columns[c]] = part[r * columns.Length + c];
                }
            }
        }
        return output;
    }

    /// <summary>3-D product, slices × n × m, with per-slice scales (attention): a stream per row of a (slices × n).
    /// A slice whose rows share one length is one sub-call (stream base + slice, as a batched call draws it); a
    /// slice with several lengths runs one sub-call per length on its rows (stream base + slices·(1 + k) + slice for
    /// its k-th length).</summary>
    public static float[] MultiplyBatched(IScSurrogate surrogate, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int slices, int n, int m, int d,
        int[] rowStreams, NoiseModel noise, ScMode mode, ulong seed, ulong streamBase)
    {
        if (rowStreams.Distinct().Count() == 1)
            return surrogate.MultiplyBatched(a, b, slices, n, m, d, rowStreams[0], noise, mode, seed, streamBase);
        var output = new float[slices * n * m];
        for (var s = 0; s < slices; s++)
        {
            var sliceA = a.Slice(s * n * d, n * d);
            var sliceB = b.Slice(s * m * d, m * d);
            var streams = rowStreams.AsSpan(s * n, n).ToArray();
            var levels = streams.Distinct().ToArray();
            if (levels.Length == 1)
            {
                surrogate.MultiplyBatched(sliceA, sliceB, 1, n, m, d, levels[0], noise, mode, seed, streamBase + (ulong)s)
                    .CopyTo(output, s * n * m);
                continue;
            }
            for (var k = 0; k < levels.Length; k++)
            {
                if (levels[k] <= 0)
                    continue;
                var rows = Indices(streams, levels[k]);
                var part = surrogate.MultiplyBatched(Gather(sliceA, d, rows), sliceB, 1, rows.Length, m, d, levels[k], noise, mode, seed,
                    streamBase + (ulong)slices * (ulong)(1 + k) + (ulong)s);
                for (var r = 0; r < rows.Length; r++)
                    part.AsSpan(r * m, m).CopyTo(output.AsSpan((s * n + rows[r]) * m, m));
            }
        }
        return output;
    }

    private static int[] Indices(int[] streams, int level) => Enumerable.Range(0, streams.Length).Where(i => streams[i] == level).ToArray();

    private static float[] Gather(ReadOnlySpan<float> x, int d, IReadOnlyList<int> rows)
    {
        var result = new float[rows.Count * d];
        Gather(x, d, rows, result);
        return result;
    }

    /// <summary>The listed rows of x (rows of <paramref name="d"/>) one after another into <paramref name="into"/>.</summary>
    private static void Gather(ReadOnlySpan<float> x, int d, IReadOnlyList<int> rows, Span<float> into)
    {
        for (var r = 0; r < rows.Count; r++)
            x.Slice(rows[r] * d, d).CopyTo(into.Slice(r * d, d));
    }
}
