using System.Collections.Generic;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using QRecipe.Runtime.Sc.Decode;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>The two fast implementations of the enable-signal accumulators.</summary>
internal enum EnablePath
{
    /// <summary><see cref="EnableLookupKernel"/>: per (n, d) one C row, b's boundaries looked up 32 at a time.</summary>
    Lookup,
    /// <summary><see cref="EnableRowTableKernel"/>: per 32 rows of a and d a signed table over v, one vector add per (m, d).</summary>
    RowTables,
}

/// <summary>
/// Exact integer accumulators of the enable-signal product (docs/sc-engine.md, "The call, step by step"):
/// acc[n,m] = Σ_d sign_a·sign_b·C[d][K[d][ba[n,d]]][bb[m,d]], with K and C from <see cref="EnableTables"/>.
/// Both paths are exact (tests compare them with the cycle-by-cycle oracle); the choice is only a cost model.
/// </summary>
public static class EnableKernel
{
    /// <summary>Forces the portable scalar lookup (tests cover every path).</summary>
    internal static bool ForceScalar { get; set; }

    /// <summary>Forces one path (tests cover every path).</summary>
    internal static EnablePath? ForcePath { get; set; }

    /// <summary>One product, its accumulators exactly n·m long.</summary>
    public static int[] Accumulate(ScCodes a, ScCodes b, EnableTables tables, bool signed) =>
        AccumulateSlices([a], [new ScPreparedPart(b, tables.Sequences.Geometry, signed)], tables, pooled: false).Acc[0];

    /// <summary>Several independent products on the same tables (attention heads), run as one parallel job. With
    /// <paramref name="pooled"/> the row-table path rents its accumulators (<see cref="ScPartial.Pooled"/>).</summary>
    internal static (int[][] Acc, bool Pooled) AccumulateSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables,
        bool pooled)
    {
        if (TakesRowTables(b, tables))
            return (EnableRowTableKernel.AccumulateSlices(a, ColumnsOf(b), tables, pooled), pooled);

        var acc = new int[a.Count][];
        for (var s = 0; s < a.Count; s++)
            acc[s] = EnableLookupKernel.Accumulate(a[s], b[s].Codes, tables, b[s].Signed, KOf(a[s], tables));
        return (acc, false);
    }

    /// <summary>The products decoded straight into their outputs by the row-table kernel; only for operands that take
    /// that path (<see cref="TakesRowTables"/>).</summary>
    internal static void DecodeSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables,
        IReadOnlyList<ScFusedDecode> decode) =>
        EnableRowTableKernel.DecodeSlices(a, ColumnsOf(b), tables, decode);

    /// <summary>Whether these operands take the row-table path: a prepared weight without its elements has only that
    /// form (it is only dropped where that path runs); otherwise the cost model decides.</summary>
    internal static bool TakesRowTables(IReadOnlyList<ScPreparedPart> b, EnableTables tables) =>
        !b[0].Codes.HasElements || TakesRowTables(b[0].Codes.Rows, tables.Sequences.Length, tables.Grid);

    /// <summary>Whether a b of m rows with its elements takes the row-table path at stream length L and grid G.</summary>
    internal static bool TakesRowTables(int m, int length, int grid) =>
        (ForcePath ?? Choose(m, length, grid)) == EnablePath.RowTables && RowTablesPossible(length);

    private static RowTableColumns[] ColumnsOf(IReadOnlyList<ScPreparedPart> b)
    {
        var columns = new RowTableColumns[b.Count];
        Parallel.For(0, b.Count, s => columns[s] = b[s].Columns);
        return columns;
    }

    private static bool RowTablesPossible(int length) => !ForceScalar && Vector512.IsHardwareAccelerated && length <= short.MaxValue;

    /// <summary>Whether a b of m rows takes the row-table path at every stream length up to 2^p (the cost model
    /// favours row tables more as L shrinks), so its elements are never read.</summary>
    internal static bool RowTablesAtEveryLength(int m, in ScGeometry g) =>
        ForcePath is null && RowTablesPossible(g.Full) && Choose(m, g.Full, g.G) == EnablePath.RowTables;

    /// <summary>K[d][ba[n,d]] per element of a: the row of C each (n, d) reads.</summary>
    private static ushort[] KOf(ScCodes a, EnableTables tables)
    {
        int n = a.Rows, dims = a.Dims, grid = tables.Grid;
        var kA = new ushort[n * dims];
        for (var i = 0; i < n; i++)
        {
            for (var d = 0; d < dims; d++)
                kA[i * dims + d] = tables.K[d * (grid + 1) + a.Boundary[i * dims + d]];
        }

        return kA;
    }

    /// <summary>Per 32 rows and dimension, row tables cost about L compares and 2·(qmax + 1) stores to build, then one
    /// cycle per column; lookups about 12 cycles per 32 columns. Row tables win once m exceeds about 48 at p = 8.</summary>
    private static EnablePath Choose(int m, int length, int grid) =>
        length + grid + m > 12L * ((m + 31) / 32) * 32 ? EnablePath.Lookup : EnablePath.RowTables;
}
