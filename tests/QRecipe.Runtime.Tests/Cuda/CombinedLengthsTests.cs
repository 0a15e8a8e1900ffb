using System;
using System.Linq;
using QRecipe.Runtime.Cuda.Sc;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Tests.Sc;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>The launch plan of the device's row and weight-group ("combined") stream lengths, run here with the CPU
/// engine's accumulators the way <see cref="CudaScProduct.Combined"/> runs it with kernels: decoded, it must equal
/// <see cref="ScMixedPrecision"/> bit for bit.</summary>
public sealed class CombinedLengthsTests
{
    private static readonly int[] Lengths = [256, 128, 64];

    [Fact]
    public void Plan_run_with_engine_accumulators_decodes_to_the_mixed_precision_product()
    {
        const int n = 22, m = 45, d = 40, groupSize = 9;
        int[] groupStreams = [128, 0, 256, 64, 128];
        var a = ScOperands.Normal(n * d, 31);
        var b = ScOperands.Normal(m * d, 32);
        var rowStreams = Enumerable.Range(0, n).Select(i => i % 4 == 3 ? 0 : Lengths[i % 4]).ToArray();
        var options = new ScOptions();
        var expected = ScMixedPrecision.Multiply(a, n, b, m, d, options, rowStreams, groupStreams, groupSize).Output;

        var g = options.Resolve();
        var qa = ScQuantizer.Grouped(a, n, d, 1, g, unipolar: false);
        var qb = ScQuantizer.Grouped(b, m, d, 1, g, unipolar: false);
        var rowLevel = rowStreams.Select(Level).ToArray();
        var columnLevel = Enumerable.Range(0, m).Select(j => Level(groupStreams[j / groupSize])).ToArray();
        var actual = new float[n * m];
        var groups = CombinedLengths.Plan(Lengths, rowLevel, columnLevel);
        Assert.Equal(3, groups.Count);
        foreach (var group in groups)
        {
            var gb = qb.Gather(group.Columns);
            for (var level = 0; level < Lengths.Length; level++)
            {
                var rows = Enumerable.Range(0, n).Where(i => group.RowLevel[i] == level).ToArray();
                if (rows.Length == 0)
                    continue;
                var lg = (options with { Stream = Lengths[level] }).Resolve();
                var acc = EnableKernel.Accumulate(qa.Gather(rows), gb, new EnableTables(ScSequences.Prepare(lg, d), lg.G), signed: true);
                // The per-row decode (docs/sc-engine.md) at this call's length.
                for (var r = 0; r < rows.Length; r++)
                {
                    for (var c = 0; c < group.Columns.Length; c++)
                    {
                        actual[rows[r] * m + group.Columns[c]] = (float)acc[r * group.Columns.Length + c] * lg.DecodeFactor
                            * ((float)qa.Scale[rows[r]] * (float)qb.Scale[group.Columns[c]]);
                    }
                }
            }
        }

        Assert.Equal(expected, actual);
        Assert.Contains(expected, v => v != 0);
    }

    [Fact]
    public void Each_output_takes_the_shorter_length_and_pruning_wins()
    {
        int[] rowLevel = [0, 1, 2, -1];
        int[] columnLevel = [1, -1, 0, 2, 1];
        var groups = CombinedLengths.Plan(Lengths, rowLevel, columnLevel);
        Assert.Equal([[2], [0, 4], [3]], groups.Select(g => g.Columns));
        Assert.Equal([[0, 1, 2, -1], [1, 1, 2, -1], [2, 2, 2, -1]], groups.Select(g => g.RowLevel));
    }

    [Fact]
    public void A_level_outside_the_tables_names_the_row()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CombinedLengths.Plan(Lengths, [0, 3], [0]));
        Assert.Contains("row 1: level must be -1 (pruned) or below 3", error.Message);
    }

    private static int Level(int stream) => stream == 0 ? -1 : Array.IndexOf(Lengths, stream);
}
