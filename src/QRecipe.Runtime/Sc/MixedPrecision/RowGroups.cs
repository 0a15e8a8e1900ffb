using System;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc.MixedPrecision;

/// <summary>Runs a body over consecutive row groups of a row-major operand, in parallel; groups are disjoint, so
/// the result does not depend on scheduling.</summary>
internal static class RowGroups
{
    /// <summary>Rows per task where the grouping carries no meaning (per-tensor scales).</summary>
    public const int ParallelRows = 16;

    public delegate void Body(ReadOnlySpan<float> x, int firstRow, int endRow);

    public static unsafe void Run(ReadOnlySpan<float> x, int rows, int dims, int group, Body body)
    {
        var groups = (rows + group - 1) / group;
        var length = x.Length;
        fixed (float* pointer = x)
        {
            var address = (nint)pointer;
            Parallel.For(0, groups, i => body(
                new ReadOnlySpan<float>((float*)address, length), i * group, Math.Min(rows, (i + 1) * group)));
        }
    }
}
