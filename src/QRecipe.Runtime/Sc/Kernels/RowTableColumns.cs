using System;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// b's side of the row-table product (<see cref="EnableRowTableKernel"/>): its distinct boundaries ("levels",
/// ascending) and, per (dimension, column), the table entry the column reads: the rank of its boundary among the
/// levels, in the negated half when b is negative. It depends on b and the geometry only, so a static operand (a
/// layer's weight) is prepared once and reused by every call.
/// </summary>
public sealed class RowTableColumns
{
    private RowTableColumns(int columns, int dims, ushort[] levels, ushort[] index, bool signed)
    {
        Columns = columns;
        Dims = dims;
        Levels = levels;
        Index = index;
        Signed = signed;
    }

    public ushort[] Levels { get; }
    /// <summary>Entry per (d, column), d-major: <c>Index[d · Columns + j]</c>.</summary>
    public ushort[] Index { get; }
    public bool Signed { get; }
    /// <summary>b's rows (the product's columns).</summary>
    public int Columns { get; }
    public int Dims { get; }
    /// <summary>Table entries per dimension: the levels, and their negations when signed.</summary>
    public int Entries => Signed ? 2 * Levels.Length : Levels.Length;

    /// <summary>The levels are those the quantizers produce (ToBoundary of 0..qmax); codes with any other boundary
    /// fall back to every boundary 0..G. <paramref name="reuse"/>: an entry array of the right length to overwrite.</summary>
    public static RowTableColumns Prepare(ScCodes b, in ScGeometry g, bool signed, ushort[]? reuse = null)
    {
        var index = reuse?.Length == b.Rows * b.Dims ? reuse : GC.AllocateUninitializedArray<ushort>(b.Rows * b.Dims);
        var levels = Distinct(ScQuantizer.BoundaryTable(g), g.G);
        if (!Fill(index, b, levels, signed, g.G))
        {
            levels = new ushort[g.G + 1];
            for (var v = 0; v <= g.G; v++)
                levels[v] = (ushort)v;
            Fill(index, b, levels, signed, g.G);
        }

        return new RowTableColumns(b.Rows, b.Dims, levels, index, signed);
    }

    private static ushort[] Distinct(ushort[] boundaries, int grid)
    {
        var present = new bool[grid + 1];
        var count = 0;
        foreach (var v in boundaries)
        {
            count += present[v] ? 0 : 1;
            present[v] = true;
        }

        var levels = new ushort[count];
        for (int v = 0, r = 0; v <= grid; v++)
        {
            if (present[v])
                levels[r++] = (ushort)v;
        }

        return levels;
    }

    /// <summary>Writes the entries, 16 dimensions per task. False when a boundary is not among the levels.</summary>
    private static unsafe bool Fill(ushort[] index, ScCodes b, ushort[] levels, bool signed, int grid)
    {
        var rank = new int[grid + 1];
        Array.Fill(rank, -1);
        for (var r = 0; r < levels.Length; r++)
            rank[levels[r]] = r;
        var negativeOffset = signed ? levels.Length : 0;
        var (m, dims) = (b.Rows, b.Dims);
        var missing = 0;
        fixed (int* rankPtr = rank)
        fixed (ushort* boundary = b.Boundary, output = index)
        fixed (sbyte* sign = b.Sign)
        {
            var (rankAt, boundaryAt, outputAt, signAt) = ((nint)rankPtr, (nint)boundary, (nint)output, (nint)sign);
            Parallel.For(0, (dims + DimsPerTask - 1) / DimsPerTask, task =>
            {
                if (!FillDimensions((int*)rankAt, (ushort*)boundaryAt, (sbyte*)signAt, (ushort*)outputAt, negativeOffset, m, dims,
                        task * DimsPerTask, Math.Min(dims, (task + 1) * DimsPerTask)))
                    Interlocked.Exchange(ref missing, 1);
            });
        }

        return missing == 0;
    }

    private const int DimsPerTask = 16;

    /// <summary>Rows [d0, d1) of the entries, each written front to back while the columns' codes are read with a
    /// constant stride. Not inlined into the parallel lambda, where the JIT kept spilling the pointers.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static unsafe bool FillDimensions(int* rank, ushort* boundary, sbyte* sign, ushort* output, int negativeOffset,
        int m, int dims, int d0, int d1)
    {
        var bad = 0;
        for (var d = d0; d < d1; d++)
        {
            var target = output + (long)d * m;
            for (var j = 0; j < m; j++)
            {
                var source = (long)j * dims + d;
                var r = rank[boundary[source]];
                bad |= r;
                target[j] = (ushort)(r + (negativeOffset & (sign[source] >> 7))); // branch-free: signs are random
            }
        }

        return bad >= 0;
    }
}
