using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>
/// The lookup path's C slices at p ≥ 10 (too large for the process cache): within one product they are built into
/// buffers kept from one block of 32767 / L dimensions to the next, so the product never holds more than one block's
/// slices (what the memory estimate counts). At p = 10 a block is 31 dimensions at L = 1024, 32 at L = 1000.
/// </summary>
public class LookupSliceReuseTests
{

    [Fact]
    public void Without_scrambling_one_slice_serves_every_block_of_the_product()
    {
        const int Block = short.MaxValue / 1024;
        var tables = new EnableTables(ScSequences.Prepare(new ScOptions { Precision = 10, Scramble = ScScramble.Off }.Resolve(), 3 * Block), 1024);
        var buffers = new EnableSliceBuffers();
        var first = tables.Slices(0, Block, buffers);
        var second = tables.Slices(Block, Block, buffers);
        var third = tables.Slices(2 * Block, Block, buffers);
        Assert.All(first.Concat(second).Concat(third), slice => Assert.Same(first[0], slice));
    }

    [Fact]
    public void Scrambled_blocks_are_rebuilt_in_the_buffers_of_the_block_before()
    {
        // A stream shorter than 2^p is scrambled (at full length the enable kernel's masks are all 0).
        var g = new ScOptions { Precision = 10, Stream = 1000, Scramble = ScScramble.Counter }.Resolve();
        var block = short.MaxValue / g.L;
        var tables = new EnableTables(ScSequences.Prepare(g, 2 * block), g.G);
        var buffers = new EnableSliceBuffers();
        var first = tables.Slices(0, block, buffers).ToArray();
        var second = tables.Slices(block, block, buffers);
        // Counter masks are d itself: every dimension its own slice, and the second block reuses all 32 arrays.
        Assert.Equal(block, first.Distinct().Count());
        Assert.Equal(first.OrderBy(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode), second.OrderBy(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode));

        // What the reused buffers now hold is the definition C[k][v] = #{i < k : rb[d, i] < v} of the second block.
        var rng = new PhiloxRandom(3, 0);
        for (var d = block; d < 2 * block; d++)
        {
            for (var sample = 0; sample < 40; sample++)
            {
                var (k, v) = ((int)rng.NextBelow((uint)g.L + 1), (int)rng.NextBelow((uint)g.G));
                var expected = Enumerable.Range(0, k).Count(i => tables.Sequences.B[d * g.L + i] < v);
                Assert.Equal(expected, second[d - block][k * tables.RowWidth + v]);
            }
        }
    }
}
