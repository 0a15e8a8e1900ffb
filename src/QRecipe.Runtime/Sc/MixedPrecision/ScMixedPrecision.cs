using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.MixedPrecision;

/// <summary>Simulated SC work: Σ rows × outputs × D × L actually run, against the same at the longest level
/// (scmp's <c>MPDistributionLogger</c>).</summary>
public readonly record struct ScCompute(long Actual, long Baseline)
{
    public double Savings => Baseline == 0 ? 0 : 1 - (double)Actual / Baseline;
}

/// <summary>
/// Mixed precision by the caller, as scmp does it (docs/sc-engine.md): one SC call per stream length on the
/// sub-matrices at that length, L = 0 pruned (outputs stay 0), and with weight-group lengths the effective length
/// min(L_row, L_group). Exact with per-row scales (a row's codes do not depend on the other rows); per-tensor scales
/// are recomputed on each sub-matrix, as upstream.
/// </summary>
public static class ScMixedPrecision
{
    /// <summary>2-D product with a stream length per row of a and, optionally, per group of
    /// <paramref name="groupSize"/> consecutive rows of b; the accumulators from <paramref name="accumulators"/> (the
    /// CPU engine when null).</summary>
    public static (float[] Output, ScCompute Compute) Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d,
        ScOptions options, ReadOnlySpan<int> rowStreams, ReadOnlySpan<int> groupStreams = default, int groupSize = 0,
        IScAccumulators? accumulators = null)
    {
        var output = new float[n * m];
        var compute = MultiplyInto(a, n, d, PrepareColumnGroups(b, m, d, options, groupStreams, groupSize, accumulators), m, options, rowStreams,
            output, accumulators);
        return (output, compute);
    }

    /// <summary>b's rows grouped by their stream length (one group of all rows, length unlimited, without group
    /// streams), each group prepared once: a static weight's groups serve every call.</summary>
    public static IReadOnlyList<ScColumnGroup> PrepareColumnGroups(ReadOnlySpan<float> b, int m, int d, ScOptions options,
        ReadOnlySpan<int> groupStreams, int groupSize, IScAccumulators? accumulators = null)
    {
        ScInput.ValidateOperand(b, m, d, nameof(b));
        var columnStreams = new int[m];
        for (var j = 0; j < m; j++)
        {
            if (groupStreams.IsEmpty)
                columnStreams[j] = int.MaxValue;
            else if (groupSize <= 0 || j / groupSize >= groupStreams.Length)
                throw new ArgumentException($"group streams ({groupStreams.Length}) with group size {groupSize} do not cover {m} rows of b",
                    nameof(groupStreams));
            else
                columnStreams[j] = groupStreams[j / groupSize];
        }

        var groups = new List<ScColumnGroup>();
        foreach (var stream in columnStreams.Distinct())
        {
            var columns = Enumerable.Range(0, m).Where(j => columnStreams[j] == stream).ToArray();
            groups.Add(new ScColumnGroup(columns, stream,
                stream <= 0 ? null : ScPreparedOperand.Prepare(Gather(b, d, columns), columns.Length, d, options, accumulators)));
        }

        return groups;
    }

    /// <summary>2-D product with a stream length per row of a against a b prepared once (a layer's weight): the rows
    /// of each length run as one call on the same prepared b, into n×m <paramref name="output"/> (pruned rows 0). Equal
    /// to <see cref="Multiply"/> on b's floats: per-row scales make a row's codes independent of the other rows.</summary>
    public static ScCompute MultiplyInto(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options, ReadOnlySpan<int> rowStreams,
        Span<float> output, IScAccumulators? accumulators = null) =>
        MultiplyInto(a, n, b.Dims, [new ScColumnGroup(Enumerable.Range(0, b.Rows).ToArray(), int.MaxValue, b)], b.Rows, options, rowStreams, output,
            accumulators);

    /// <summary>The product against prepared column groups: every (row length, column group) pair runs at
    /// min(row length, group length) as one call, into n×m <paramref name="output"/> (pruned outputs 0).</summary>
    public static ScCompute MultiplyInto(ReadOnlySpan<float> a, int n, int d, IReadOnlyList<ScColumnGroup> groups, int m, ScOptions options,
        ReadOnlySpan<int> rowStreams, Span<float> output, IScAccumulators? accumulators = null)
    {
        if (rowStreams.Length != n)
            throw new ArgumentException($"{rowStreams.Length} row stream lengths for {n} rows", nameof(rowStreams));
        ScInput.ValidateOperand(a, n, d, nameof(a));
        output.Clear();
        long actual = 0;
        var rowLevels = rowStreams.ToArray();
        var longest = Math.Max(rowLevels.Max(), groups.Select(g => g.Stream).Where(s => s != int.MaxValue).DefaultIfEmpty(0).Max());
        foreach (var rowLevel in rowLevels.Distinct())
        {
            var rows = Enumerable.Range(0, n).Where(i => rowLevels[i] == rowLevel).ToArray();
            float[]? gathered = null;
            foreach (var group in groups)
            {
                var stream = Math.Min(rowLevel, group.Stream);
                if (stream <= 0 || group.B is null)
                    continue;
                var columns = group.Columns;
                var part = new float[rows.Length * columns.Length];
                ScMatmul.MultiplyInto(gathered ??= Gather(a, d, rows), rows.Length, group.B, options with { Stream = stream }, part, accumulators);
                // A group of consecutive columns (all of them without group streams) goes out row by row.
                var contiguous = columns[^1] - columns[0] == columns.Length - 1;
                for (var r = 0; r < rows.Length; r++)
                {
                    var source = part.AsSpan(r * columns.Length, columns.Length);
                    if (contiguous)
                    {
                        source.CopyTo(output.Slice(rows[r] * m + columns[0], columns.Length));
                        continue;
                    }

                    for (var c = 0; c < columns.Length; c++)
                        output[rows[r] * m + columns[c]] = source[c];
                }

                actual += (long)rows.Length * columns.Length * d * stream;
            }
        }

        return new ScCompute(actual, (long)n * m * d * longest);
    }

    /// <summary>3-D product with one stream length per slice (head); 0 prunes the head. The heads of each length run
    /// as one batched call (per-head codes and products do not depend on the other heads).</summary>
    public static (float[] Output, ScCompute Compute) MultiplyPerHead(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n,
        int m, int d, ScOptions options, ReadOnlySpan<int> headStreams, IScAccumulators? accumulators = null)
    {
        if (headStreams.Length != batch)
            throw new ArgumentException($"{headStreams.Length} head stream lengths for {batch} heads", nameof(headStreams));
        ScInput.Validate(a, b, batch, n, m, d, default);
        var output = new float[batch * n * m];
        long actual = 0;
        var streams = headStreams.ToArray();
        foreach (var stream in streams.Distinct())
        {
            if (stream <= 0)
                continue;
            var heads = Enumerable.Range(0, batch).Where(h => streams[h] == stream).ToArray();
            var part = new float[heads.Length * n * m];
            ScMatmul.MultiplyBatchedInto(Gather(a, n * d, heads), Gather(b, m * d, heads), heads.Length, n, m, d,
                options with { Stream = stream }, part, accumulators: accumulators);
            for (var i = 0; i < heads.Length; i++)
                part.AsSpan(i * n * m, n * m).CopyTo(output.AsSpan(heads[i] * n * m, n * m));
            actual += (long)heads.Length * n * m * d * stream;
        }

        return (output, new ScCompute(actual, (long)batch * n * m * d * streams.Max()));
    }

    private static float[] Gather(ReadOnlySpan<float> x, int d, IReadOnlyList<int> rows)
    {
        var result = new float[rows.Count * d];
        for (var r = 0; r < rows.Count; r++)
            x.Slice(rows[r] * d, d).CopyTo(result.AsSpan(r * d, d));
        return result;
    }
}
