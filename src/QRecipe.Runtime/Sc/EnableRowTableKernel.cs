using System;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Enable-product accumulators for wide b (linear layers). Rows of a go in blocks of 32 lanes. For a block and a
/// dimension d, U_d[v] = (sign_a[n,d]·C[d][K[d][ba[n,d]]][v]) over the 32 lanes, for v = 0..G, followed by its
/// negation for negative b. Then every output column m of the block is Σ_d U_d[bb[m,d] (+ G+1 if b is negative)]:
/// one 32-lane vector load and add per (m, d); b's indices are stored d-major so one dimension's table (≈33 KB at
/// G = 256) stays in L1 while the 16-bit sums of all m stream through. Sums stay in 16-bit lanes
/// for at most 32767 / L dimensions and are widened into int32, so the result is exact.
/// </summary>
internal static class EnableRowTableKernel
{
    private const int Lanes = 32;

    /// <summary>Bounds one block of U tables to about 1 MiB so it stays in L2.</summary>
    private const int TableVectorsPerBlock = 1 << 14;

    public static unsafe int[] Accumulate(ScCodes a, ScCodes b, EnableTables tables, bool signed, ushort[] kA)
    {
        int n = a.Rows, m = b.Rows, dims = a.Dims;
        var grid = tables.Grid;
        var width = tables.RowWidth;
        var entries = signed ? 2 * (grid + 1) : grid + 1;
        var blockDims = Math.Max(1, Math.Min(Math.Min(dims, short.MaxValue / tables.Sequences.Length), TableVectorsPerBlock / entries));
        var rowBlocks = (n + Lanes - 1) / Lanes;

        // b's table index per (d, m), d-major: its boundary, shifted into the negated half when b is negative.
        var bIndex = GC.AllocateUninitializedArray<ushort>(dims * m);
        Parallel.For(0, (m + Lanes - 1) / Lanes, mb =>
        {
            for (var j = mb * Lanes; j < Math.Min(m, (mb + 1) * Lanes); j++)
            {
                for (var d = 0; d < dims; d++)
                {
                    var i = j * dims + d;
                    bIndex[d * m + j] = (ushort)(b.Boundary[i] + (signed && b.Sign[i] < 0 ? grid + 1 : 0));
                }
            }
        });

        var accT = new int[rowBlocks * m * Lanes]; // [row block][m][lane]
        var u = new short[rowBlocks][];
        var sums = new short[rowBlocks][];
        for (var d0 = 0; d0 < dims; d0 += blockDims)
        {
            var count = Math.Min(blockDims, dims - d0);
            var slices = tables.Slices(d0, count);
            Parallel.For(0, rowBlocks, block =>
            {
                var table = u[block] ??= new short[blockDims * entries * Lanes];
                var sum16 = sums[block] ??= new short[m * Lanes];
                BuildTables(table, block * Lanes, n, d0, count, dims, entries, grid, width, a.Sign, kA, slices, signed);
                Array.Clear(sum16);
                fixed (short* tablePtr = table, sumPtr = sum16)
                fixed (ushort* indexPtr = bIndex)
                fixed (int* accPtr = accT)
                {
                    // d outer, m inner: one dimension's table (≈33 KB) stays in L1 while the sums stream.
                    for (var t = 0; t < count; t++)
                    {
                        var u = tablePtr + t * entries * Lanes;
                        var index = indexPtr + (long)(d0 + t) * m;
                        for (var j = 0; j < m; j++)
                        {
                            var sum = sumPtr + j * Lanes;
                            (Vector512.Load(sum) + Vector512.Load(u + index[j] * Lanes)).Store(sum);
                        }
                    }

                    for (var j = 0; j < m; j++)
                    {
                        var output = accPtr + ((long)block * m + j) * Lanes;
                        var (low, high) = Vector512.Widen(Vector512.Load(sumPtr + j * Lanes));
                        (Vector512.Load(output) + low).Store(output);
                        (Vector512.Load(output + 16) + high).Store(output + 16);
                    }
                }
            });
        }

        var acc = GC.AllocateUninitializedArray<int>(n * m);
        for (var i = 0; i < n; i++)
        {
            var (block, lane) = (i / Lanes, i % Lanes);
            for (var j = 0; j < m; j++)
                acc[i * m + j] = accT[((long)block * m + j) * Lanes + lane];
        }

        return acc;
    }

    private static void BuildTables(short[] table, int firstRow, int n, int d0, int count, int dims, int entries, int grid,
        int width, sbyte[] signA, ushort[] kA, ushort[][] slices, bool signed)
    {
        Array.Clear(table, 0, count * entries * Lanes);
        for (var t = 0; t < count; t++)
        {
            var d = d0 + t;
            var u = table.AsSpan(t * entries * Lanes, entries * Lanes);
            for (var lane = 0; lane < Lanes && firstRow + lane < n; lane++)
            {
                var k = kA[(firstRow + lane) * dims + d];
                var sign = signA[(firstRow + lane) * dims + d];
                if (k == 0 || sign == 0)
                    continue;
                var row = slices[t].AsSpan(k * width, grid);
                for (var v = 0; v < grid; v++)
                    u[v * Lanes + lane] = (short)(sign * row[v]);
                u[grid * Lanes + lane] = (short)(sign * k); // C[k][G] = k
            }

            if (signed)
            {
                for (var v = 0; v <= grid; v++)
                    (-Vector512.Create<short>(u.Slice(v * Lanes, Lanes))).CopyTo(u.Slice((grid + 1 + v) * Lanes, Lanes));
            }
        }
    }
}
