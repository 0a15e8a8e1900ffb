using System.Runtime.Intrinsics;

namespace QRecipe.Runtime.Sc;

/// <summary>The two fast implementations of the enable-signal accumulators.</summary>
internal enum EnablePath
{
    /// <summary><see cref="EnableLookupKernel"/>: per (n, d) one C row, b's boundaries looked up 32 at a time.</summary>
    Lookup,
    /// <summary><see cref="EnableRowTableKernel"/>: per 32 rows of a and d a signed table over v, one vector add per (m, d).</summary>
    RowTables,
}

/// <summary>
/// Exact integer accumulators of the enable-signal product (sc-kernels.md §4.2–4.4):
/// acc[n,m] = Σ_d sign_a·sign_b·C[d][K[d][ba[n,d]]][bb[m,d]], with K and C from <see cref="EnableTables"/>.
/// Both paths are exact (tests compare them with the cycle-by-cycle oracle); the choice is only a cost model.
/// </summary>
public static class EnableKernel
{
    /// <summary>Forces the portable scalar lookup (tests cover every path).</summary>
    internal static bool ForceScalar { get; set; }

    /// <summary>Forces one path (tests cover every path).</summary>
    internal static EnablePath? ForcePath { get; set; }

    public static int[] Accumulate(ScCodes a, ScCodes b, EnableTables tables, bool signed)
    {
        int n = a.Rows, dims = a.Dims, grid = tables.Grid;
        var kA = new ushort[n * dims];
        for (var i = 0; i < n; i++)
        {
            for (var d = 0; d < dims; d++)
                kA[i * dims + d] = tables.K[d * (grid + 1) + a.Boundary[i * dims + d]];
        }

        var path = ForcePath ?? Choose(b.Rows, grid);
        var rowTablesPossible = !ForceScalar && Vector512.IsHardwareAccelerated && tables.Sequences.Length <= short.MaxValue;
        return path == EnablePath.RowTables && rowTablesPossible
            ? EnableRowTableKernel.Accumulate(a, b, tables, signed, kA)
            : EnableLookupKernel.Accumulate(a, b, tables, signed, kA);
    }

    /// <summary>Row tables cost about N·D·(G+1)/2 cycles to build plus one cycle per 32 outputs and dimension;
    /// lookups about 8 cycles per 32 outputs and dimension. Row tables win once m exceeds about 2.3·(G+1).</summary>
    private static EnablePath Choose(int m, int grid) => m * 7L > 16L * (grid + 1) ? EnablePath.RowTables : EnablePath.Lookup;
}
