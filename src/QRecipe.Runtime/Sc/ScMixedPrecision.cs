using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Runtime.Sc;

/// <summary>Simulated SC work: Σ rows × outputs × D × L actually run, against the same at the longest level
/// (sc-kernels.md §5.2, <c>MPDistributionLogger</c>).</summary>
public readonly record struct ScCompute(long Actual, long Baseline)
{
    public double Savings => Baseline == 0 ? 0 : 1 - (double)Actual / Baseline;
}

/// <summary>
/// Mixed precision by the caller, as scmp does it (sc-kernels.md §5.2): one SC call per stream length on the
/// sub-matrices at that length, L = 0 pruned (outputs stay 0), and with weight-group lengths the effective length
/// min(L_row, L_group). Exact with per-row scales (a row's codes do not depend on the other rows); per-tensor scales
/// are recomputed on each sub-matrix, as upstream.
/// </summary>
public static class ScMixedPrecision
{
    /// <summary>2-D product with a stream length per row of a and, optionally, per group of
    /// <paramref name="groupSize"/> consecutive rows of b.</summary>
    public static (float[] Output, ScCompute Compute) Multiply(ReadOnlySpan<float> a, int n, ReadOnlySpan<float> b, int m, int d,
        ScOptions options, ReadOnlySpan<int> rowStreams, ReadOnlySpan<int> groupStreams = default, int groupSize = 0)
    {
        if (rowStreams.Length != n)
            throw new ArgumentException($"{rowStreams.Length} row stream lengths for {n} rows", nameof(rowStreams));
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

        var output = new float[n * m];
        long actual = 0;
        var rowLevels = rowStreams.ToArray();
        var longest = Math.Max(rowLevels.Max(), groupStreams.IsEmpty ? 0 : groupStreams.ToArray().Max());
        foreach (var rowLevel in rowLevels.Distinct())
        {
            var rows = Enumerable.Range(0, n).Where(i => rowLevels[i] == rowLevel).ToArray();
            foreach (var columnLevel in columnStreams.Distinct())
            {
                var stream = Math.Min(rowLevel, columnLevel);
                if (stream <= 0)
                    continue;
                var columns = Enumerable.Range(0, m).Where(j => columnStreams[j] == columnLevel).ToArray();
                var part = ScMatmul.Multiply(Gather(a, d, rows), rows.Length, Gather(b, d, columns), columns.Length, d,
                    options with { Stream = stream });
                for (var r = 0; r < rows.Length; r++)
                {
                    for (var c = 0; c < columns.Length; c++)
                        output[rows[r] * m + columns[c]] = part[r * columns.Length + c];
                }

                actual += (long)rows.Length * columns.Length * d * stream;
            }
        }

        return (output, new ScCompute(actual, (long)n * m * d * longest));
    }

    /// <summary>2-D product with a stream length per row of a against a b prepared once (a layer's weight): the rows
    /// of each length run as one call on the same prepared b, into n×m <paramref name="output"/> (pruned rows 0). Equal
    /// to <see cref="Multiply"/> on b's floats: per-row scales make a row's codes independent of the other rows.</summary>
    public static ScCompute MultiplyInto(ReadOnlySpan<float> a, int n, ScPreparedOperand b, ScOptions options, ReadOnlySpan<int> rowStreams,
        Span<float> output)
    {
        if (rowStreams.Length != n)
            throw new ArgumentException($"{rowStreams.Length} row stream lengths for {n} rows", nameof(rowStreams));
        var (m, d) = (b.Rows, b.Dims);
        ScInput.ValidateOperand(a, n, d, nameof(a));
        output.Clear();
        long actual = 0;
        var levels = rowStreams.ToArray();
        foreach (var stream in levels.Distinct())
        {
            if (stream <= 0)
                continue;
            var rows = Enumerable.Range(0, n).Where(i => levels[i] == stream).ToArray();
            var part = new float[rows.Length * m];
            ScMatmul.MultiplyInto(Gather(a, d, rows), rows.Length, b, options with { Stream = stream }, part);
            for (var r = 0; r < rows.Length; r++)
                part.AsSpan(r * m, m).CopyTo(output.Slice(rows[r] * m, m));
            actual += (long)rows.Length * m * d * stream;
        }

        return new ScCompute(actual, (long)n * m * d * levels.Max());
    }

    /// <summary>3-D product with one stream length per slice (head); 0 prunes the head. The heads of each length run
    /// as one batched call (per-head codes and products do not depend on the other heads).</summary>
    public static (float[] Output, ScCompute Compute) MultiplyPerHead(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n,
        int m, int d, ScOptions options, ReadOnlySpan<int> headStreams)
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
                options with { Stream = stream }, part);
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
