using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>The identity the device SC product rests on (Kernels/sc.cu, docs/sc-engine.md): the enable table entry
/// C[k][v] is the number of ones among the first k bits of b's stream for boundary v, which is what the kernel reads
/// as whole-word popcounts plus one masked popcount of 32-bit packed streams.</summary>
public sealed class EnableStreamIdentityTests
{
    [Theory]
    [InlineData(8, 256, null, ScScramble.Bitrev)]
    [InlineData(8, 181, null, ScScramble.Counter)]
    [InlineData(8, 128, 128, ScScramble.Bitrev)]
    [InlineData(5, 20, null, ScScramble.Bitrev)]
    public void Table_entry_is_the_prefix_popcount_of_the_packed_stream(int p, int stream, int? grid, ScScramble scramble)
    {
        var g = new ScOptions { Precision = p, Stream = stream, Grid = grid, Scramble = scramble }.Resolve();
        const int dims = 3;
        var tables = new EnableTables(ScSequences.Prepare(g, dims), g.G);
        var words = (g.L + 31) / 32;
        for (var d = 0; d < dims; d++)
        {
            var slice = tables.Slices(d, 1)[0];
            for (var v = 0; v < g.G; v++)
            {
                var packed = new uint[words];
                for (var t = 0; t < g.L; t++)
                {
                    if (tables.Sequences.B[d * g.L + t] < v)
                        packed[t >> 5] |= 1u << (t & 31);
                }

                for (var k = 0; k <= g.L; k++)
                {
                    var count = 0;
                    for (var w = 0; w < k >> 5; w++)
                        count += System.Numerics.BitOperations.PopCount(packed[w]);
                    if ((k & 31) != 0)
                        count += System.Numerics.BitOperations.PopCount(packed[k >> 5] & ((1u << (k & 31)) - 1));
                    Assert.Equal(slice[k * tables.RowWidth + v], count);
                }
            }
        }
    }
}
