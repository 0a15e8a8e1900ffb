using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary><see cref="ScMemoryEstimate"/> is a lower bound of what a product allocates, and of the same order: checked
/// against the bytes the process actually allocated for a product whose tables are built fresh (a scramble seed no
/// other test uses, so no cached kernel serves it). The lookup cases have at most 32767 / L dimensions, one block,
/// so its tables are built once (more dimensions build a block's tables again, allocating more than is held at once). Run alone, so no other test's allocations are counted.</summary>
[Collection(SharedWorkersCollection.Name)]
public sealed class MemoryEstimateTests
{
    [Theory]
    [InlineData(12, null, ScKernel.Enable, ScMode.Bipolar, 4, 8, 6)]
    [InlineData(12, 1024, ScKernel.Enable, ScMode.Bipolar, 4, 8, 24)]
    [InlineData(11, null, ScKernel.Enable, ScMode.Bipolar, 200, 300, 40)]
    [InlineData(8, null, ScKernel.Enable, ScMode.Bipolar, 64, 256, 64)]
    [InlineData(10, null, ScKernel.Xnor, ScMode.Bipolar, 30, 20, 64)]
    public void The_estimate_bounds_the_allocations_from_below(int p, int? stream, ScKernel kernel, ScMode mode, int n, int m, int d)
    {
        var options = new ScOptions { Precision = p, Stream = stream, Kernel = kernel, Mode = mode, Scramble = ScScramble.Random, ScrambleSeed = 0x5EED_0000UL + (ulong)(p * 1000 + n) };
        var a = Enumerable.Range(0, n * d).Select(i => (float)Math.Sin(i * 0.3)).ToArray();
        var b = Enumerable.Range(0, m * d).Select(i => (float)Math.Cos(i * 0.7)).ToArray();
        var estimate = ScMemoryEstimate.For(options, 1, n, m, d).TotalBytes;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        ScMatmul.Multiply(a, n, b, m, d, options);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.InRange(estimate, 0.25 * allocated, allocated);
    }
}
