using System;
using System.Linq;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.MixedPrecision;

namespace QRecipe.Runtime.Tests.Sc;

public class MixedPrecisionTests
{

    [Fact]
    public void Quantile_classification_TV22()
    {
        Assert.Equal([2, 0, 1, 0, 1], ScRowClassifier.ClassifyRows([0.1f, 0.9f, 0.5f, 0.7f, 0.3f], [0.4, 0.4, 0.2]));
        // Banker's rounding: N = 5 with [0.5, 0.5] gives counts 2 and 3.
        var levels = ScRowClassifier.ClassifyRows([5f, 4, 3, 2, 1], [0.5, 0.5]);
        Assert.Equal(2, levels.Count(l => l == 0));
        Assert.Throws<ArgumentException>(() => ScRowClassifier.ClassifyRows([1f], [0.5, 0.4]));
    }

    [Fact]
    public void Range_classification_TV26()
    {
        float[] w = [0, 1, 0, 10, -1, 1, 2, 2];
        Assert.Equal([64, 256, 128, 64], ScRowClassifier.ClassifyGroupsByRange(w, 4, 2, 1, [256, 128, 64]));
        Assert.Throws<ArgumentException>(() => ScRowClassifier.ClassifyGroupsByRange(w, 4, 2, 3, [256, 128, 64]));
    }

    [Fact]
    public void Metrics()
    {
        float[] x = [1, -3, 2, 0.5f, -0.25f, 0.1f];
        Assert.Equal([3f, 0.5f], ScMetrics.MaxAbs(x, 2, 3));
        Assert.Equal([3f], ScMetrics.MaxAbs(x, 2, 3, rowsPerUnit: 2));
        Assert.Equal([2f, 0.5f], ScMetrics.RowMax(x, 2, 3));
    }

    /// <summary>Per-row scales make a row's result independent of its neighbours, so every output of the MP call
    /// equals a one-row, one-column call at min(L_row, L_group) bit for bit; pruned pairs stay 0. The second case's
    /// length-256 columns are not consecutive (groups 0 and 2).</summary>
    [Theory]
    [InlineData(new[] { 256, 64 }, 5)]
    [InlineData(new[] { 256, 64, 256 }, 4)]
    public void Row_and_group_levels_equal_separate_calls_at_the_effective_length(int[] groupStreams, int groupSize)
    {
        const int n = 6, d = 24;
        var m = groupStreams.Length * groupSize;
        var a = ScOperands.Normal(n * d, 1);
        var b = ScOperands.Normal(m * d, 2);
        var options = new ScOptions();
        int[] rowStreams = [256, 128, 0, 64, 256, 181];
        var (output, compute) = ScMixedPrecision.Multiply(a, n, b, m, d, options, rowStreams, groupStreams, groupSize);
        long expectedActual = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var stream = Math.Min(rowStreams[i], groupStreams[j / groupSize]);
                var expected = stream == 0
                    ? 0f
                    : ScMatmul.Multiply(a.AsSpan(i * d, d), 1, b.AsSpan(j * d, d), 1, d, options with { Stream = stream })[0];
                Assert.Equal(expected, output[i * m + j]);
                expectedActual += (long)d * stream;
            }
        }

        Assert.Equal(new ScCompute(expectedActual, (long)n * m * d * 256), compute);
        Assert.InRange(compute.Savings, 0.3, 0.7);
    }

    [Fact]
    public void Head_levels_prune_and_match_single_head_calls()
    {
        const int heads = 3, n = 4, m = 5, d = 8;
        var q = ScOperands.Normal(heads * n * d, 3);
        var k = ScOperands.Normal(heads * m * d, 4);
        var options = new ScOptions { Granularity = ScGranularity.PerHead };
        var (output, compute) = ScMixedPrecision.MultiplyPerHead(q, k, heads, n, m, d, options, [256, 0, 64]);
        Assert.Equal(ScMatmul.MultiplyBatched(q.AsSpan(0, n * d), k.AsSpan(0, m * d), 1, n, m, d, options), output[..(n * m)]);
        Assert.All(output[(n * m)..(2 * n * m)], v => Assert.Equal(0f, v));
        Assert.Equal(ScMatmul.MultiplyBatched(q.AsSpan(2 * n * d, n * d), k.AsSpan(2 * m * d, m * d), 1, n, m, d, options with { Stream = 64 }),
            output[(2 * n * m)..]);
        Assert.Equal(new ScCompute((long)n * m * d * (256 + 64), (long)heads * n * m * d * 256), compute);
    }

    [Fact]
    public void Row_levels_against_a_prepared_weight_equal_the_unprepared_product()
    {
        const int n = 30, m = 70, d = 40;
        var x = ScOperands.Normal(n * d, 7);
        var w = ScOperands.Normal(m * d, 8);
        var streams = Enumerable.Range(0, n).Select(i => new[] { 256, 128, 64, 0 }[i % 4]).ToArray();
        var options = new ScOptions();
        var (expected, expectedCompute) = ScMixedPrecision.Multiply(x, n, w, m, d, options, streams);
        var output = Enumerable.Repeat(5f, n * m).ToArray();
        var compute = ScMixedPrecision.MultiplyInto(x, n, ScPreparedOperand.Prepare(w, m, d, options), options, streams, output);
        Assert.Equal(expected, output);
        Assert.Equal(expectedCompute, compute);
    }

    [Fact]
    public void Heads_of_one_length_run_together_as_single_head_calls_would()
    {
        // Heads 0 and 3 share a length, as do 1 and 4: each pair runs as one batched call.
        const int heads = 5, n = 40, m = 50, d = 24;
        var q = ScOperands.Normal(heads * n * d, 5);
        var k = ScOperands.Normal(heads * m * d, 6);
        var options = new ScOptions { Granularity = ScGranularity.PerHead };
        int[] streams = [256, 64, 0, 256, 64];
        var (output, _) = ScMixedPrecision.MultiplyPerHead(q, k, heads, n, m, d, options, streams);
        for (var h = 0; h < heads; h++)
        {
            var expected = streams[h] == 0 ? new float[n * m]
                : ScMatmul.MultiplyBatched(q.AsSpan(h * n * d, n * d), k.AsSpan(h * m * d, m * d), 1, n, m, d, options with { Stream = streams[h] });
            Assert.Equal(expected, output[(h * n * m)..((h + 1) * n * m)]);
        }
    }
}
