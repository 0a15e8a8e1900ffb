using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>The workers claim ranges dynamically: every item must still be visited exactly once, whatever the count
/// against the number of ranges (fewer items than ranges, uneven splits, the serial path below the threshold).</summary>
public unsafe class RangeParallelTests
{
    private struct Visits
    {
        public int* Counts;
    }

    [Theory]
    [InlineData(2, 1 << 20)]
    [InlineData(7, 1 << 20)]
    [InlineData(1000, 1 << 20)]
    [InlineData(1001, 1 << 20)]
    [InlineData(1000, 10)]
    public void Every_item_is_visited_exactly_once(int count, long elements)
    {
        var counts = new int[count];
        fixed (int* pointer = counts)
            RangeParallel<Visits>.For(count, elements, new Visits { Counts = pointer }, &Visit);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    private static void Visit(in Visits visits, int start, int end)
    {
        for (var i = start; i < end; i++)
            Interlocked.Increment(ref visits.Counts[i]);
    }
}
