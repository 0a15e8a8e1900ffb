using System;
using System.Buffers;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Enable-product accumulators for wide b (linear layers). Rows of a go in blocks of 32 lanes. For a block and a
/// dimension d, U_d[r] = sign_a[n,d]·C[d][K[d][ba[n,d]]][level r] over the 32 lanes, one entry per distinct boundary
/// ("level") of b (qmax + 1 of them, not G + 1: b's boundaries are quantized magnitudes), followed by its negation
/// for negative b. Every output column m is then Σ_d U_d[index of bb[m,d]]: one 32-lane vector load and add per
/// (m, d). Eight columns' sums stay in registers across a block of dimensions whose tables fit in L2; they are 16-bit
/// for at most 32767 / L dimensions and widened into int32, so the result is exact.
/// </summary>
internal static class EnableRowTableKernel
{
    private const int Lanes = 32;

    /// <summary>Bounds one block of U tables to 512 KiB so it stays in L2.</summary>
    private const int TableEntriesPerBlock = 1 << 17;

    public static unsafe int[] Accumulate(ScCodes a, ScCodes b, EnableTables tables, bool signed, ushort[] kA)
    {
        int n = a.Rows, m = b.Rows, dims = a.Dims;
        var (levels, bIndex) = Index(b, tables, signed);
        var entries = signed ? 2 * levels.Length : levels.Length;
        var blockDims = Math.Max(1, Math.Min(Math.Min(dims, short.MaxValue / tables.Sequences.Length),
            TableEntriesPerBlock / (entries * Lanes)));
        var (positions, multiplicity) = tables.Positions();

        // Tasks are (row block, column range): enough of them for every core even when n is one block.
        var rowBlocks = (n + Lanes - 1) / Lanes;
        var splits = Math.Clamp(2 * Environment.ProcessorCount / rowBlocks, 1, Math.Max(1, m / 64));
        var acc = GC.AllocateUninitializedArray<int>(n * m);
        Parallel.For(0, rowBlocks * splits, task =>
        {
            var (block, split) = (task / splits, task % splits);
            var (j0, j1) = ((int)((long)m * split / splits), (int)((long)m * (split + 1) / splits));
            var table = ArrayPool<short>.Shared.Rent(blockDims * entries * Lanes);
            var sums = ArrayPool<int>.Shared.Rent((j1 - j0) * Lanes);
            Array.Clear(sums, 0, (j1 - j0) * Lanes);
            fixed (short* tablePtr = table)
            fixed (int* sumPtr = sums)
            fixed (ushort* indexPtr = bIndex)
            {
                for (var d0 = 0; d0 < dims; d0 += blockDims)
                {
                    var count = Math.Min(blockDims, dims - d0);
                    BuildTables(tablePtr, block * Lanes, n, d0, count, dims, levels, signed, a.Sign, kA,
                        positions, multiplicity, tables.Grid);
                    AddColumns(tablePtr, entries * Lanes, indexPtr + d0, dims, count, j0, j1, sumPtr);
                }
            }

            for (var lane = 0; lane < Lanes && block * Lanes + lane < n; lane++)
            {
                var output = acc.AsSpan((block * Lanes + lane) * m);
                for (var j = j0; j < j1; j++)
                    output[j] = sums[(j - j0) * Lanes + lane];
            }

            ArrayPool<int>.Shared.Return(sums);
            ArrayPool<short>.Shared.Return(table);
        });

        ArrayPool<ushort>.Shared.Return(bIndex);
        return acc;
    }

    /// <summary>
    /// b's distinct boundaries ascending, and its table index per (m, d) in a pooled array: the rank of its boundary, in the
    /// negated half when b is negative. The levels are those the quantizers produce (ToBoundary of 0..qmax); codes with
    /// any other boundary fall back to every boundary 0..G.
    /// </summary>
    private static (ushort[] Levels, ushort[] Index) Index(ScCodes b, EnableTables tables, bool signed)
    {
        var g = tables.Sequences.Geometry;
        var quantized = new ushort[g.QMax + 1];
        for (var v = 0; v <= g.QMax; v++)
            quantized[v] = ScCodes.ToBoundary(v, g.G, g.QMax);
        var levels = ComputeLevels(quantized, g.G);
        var index = ArrayPool<ushort>.Shared.Rent(b.Rows * b.Dims);
        if (!Fill(index, b, levels, signed))
        {
            var all = new ushort[g.G + 1];
            for (var v = 0; v <= g.G; v++)
                all[v] = (ushort)v;
            levels = all;
            Fill(index, b, levels, signed);
        }

        return (levels, index);
    }

    private static ushort[] ComputeLevels(ushort[] boundaries, int grid)
    {
        var present = new bool[grid + 1];
        foreach (var v in boundaries)
            present[v] = true;
        var levels = new System.Collections.Generic.List<ushort>();
        for (var v = 0; v <= grid; v++)
        {
            if (present[v])
                levels.Add((ushort)v);
        }

        return levels.ToArray();
    }

    /// <summary>Writes the table indices (b's layout, m × d); false when a boundary is not among the levels.</summary>
    private static unsafe bool Fill(ushort[] index, ScCodes b, ushort[] levels, bool signed)
    {
        var rank = new int[ushort.MaxValue + 1];
        Array.Fill(rank, -1);
        for (var r = 0; r < levels.Length; r++)
            rank[levels[r]] = r;
        var negativeOffset = signed ? levels.Length : 0;
        var missing = 0;
        const int Chunk = 1 << 16;
        var length = b.Rows * b.Dims;
        Parallel.For(0, (length + Chunk - 1) / Chunk, c =>
        {
            var bad = 0;
            fixed (int* rankPtr = rank)
            fixed (ushort* boundary = b.Boundary, output = index)
            fixed (sbyte* sign = b.Sign)
            {
                for (long i = (long)c * Chunk, end = Math.Min(length, i + Chunk); i < end; i++)
                {
                    var r = rankPtr[boundary[i]];
                    bad |= r;
                    output[i] = (ushort)(r + (sign[i] < 0 ? negativeOffset : 0));
                }
            }

            if (bad < 0)
                System.Threading.Interlocked.Exchange(ref missing, 1);
        });
        return missing == 0;
    }

    /// <summary>
    /// U_d over the 32 lanes, one vector per level: the lanes' counts C[k][v] grow by one at every v that b's stream
    /// takes at a cycle below the lane's k (<see cref="EnableTables.Positions"/>), so a table costs a compare and a
    /// subtract per (v, occurrence) instead of 32 scalar stores per level. Lanes with sign 0 or beyond n get k = 0.
    /// </summary>
    private static unsafe void BuildTables(short* table, int firstRow, int n, int d0, int count, int dims,
        ushort[] levels, bool signed, sbyte[] signA, ushort[] kA, ushort[] positions, int multiplicity, int grid)
    {
        var kLanes = stackalloc ushort[Lanes];
        var negativeLanes = stackalloc short[Lanes];
        var entries = signed ? 2 * levels.Length : levels.Length;
        fixed (ushort* positionPtr = positions)
        {
            for (var t = 0; t < count; t++)
            {
                var d = d0 + t;
                for (var lane = 0; lane < Lanes; lane++)
                {
                    var row = firstRow + lane;
                    var sign = row < n ? signA[row * dims + d] : 0;
                    kLanes[lane] = sign == 0 ? (ushort)0 : kA[row * dims + d];
                    negativeLanes[lane] = (short)(sign < 0 ? -1 : 0);
                }

                var k = Vector512.Load(kLanes);
                var negative = Vector512.Load(negativeLanes);
                var u = table + (long)t * entries * Lanes;
                var at = positionPtr + (long)d * grid * multiplicity;
                var counts = Vector512<short>.Zero;
                var v = 0;
                for (var r = 0; r < levels.Length; r++)
                {
                    for (; v < levels[r]; v++)
                    {
                        for (var j = 0; j < multiplicity; j++)
                            counts -= Vector512.LessThan(Vector512.Create(at[v * multiplicity + j]), k).AsInt16();
                    }

                    var signedCounts = (counts ^ negative) - negative;
                    signedCounts.Store(u + r * Lanes);
                    if (signed)
                        (-signedCounts).Store(u + (levels.Length + r) * Lanes);
                }
            }
        }
    }

    /// <summary>Columns [j0, j1) of one dimension block, eight at a time with their 16-bit sums in registers, then
    /// widened into the int32 sums (column-major, 32 lanes each). <paramref name="index"/> points at column 0's first
    /// dimension of the block; columns are <paramref name="dims"/> apart.</summary>
    private static unsafe void AddColumns(short* table, int tableStride, ushort* index, int dims, int count, int j0,
        int j1, int* sums)
    {
        var j = j0;
        for (; j + 8 <= j1; j += 8)
        {
            Vector512<short> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector512<short> s4 = default, s5 = default, s6 = default, s7 = default;
            var i0 = index + (long)j * dims;
            ushort* i1 = i0 + dims, i2 = i0 + 2 * dims, i3 = i0 + 3 * dims;
            ushort* i4 = i0 + 4 * dims, i5 = i0 + 5 * dims, i6 = i0 + 6 * dims, i7 = i0 + 7 * dims;
            for (var t = 0; t < count; t++)
            {
                var u = table + (long)t * tableStride;
                s0 += Vector512.Load(u + i0[t] * Lanes);
                s1 += Vector512.Load(u + i1[t] * Lanes);
                s2 += Vector512.Load(u + i2[t] * Lanes);
                s3 += Vector512.Load(u + i3[t] * Lanes);
                s4 += Vector512.Load(u + i4[t] * Lanes);
                s5 += Vector512.Load(u + i5[t] * Lanes);
                s6 += Vector512.Load(u + i6[t] * Lanes);
                s7 += Vector512.Load(u + i7[t] * Lanes);
            }

            var output = sums + (long)(j - j0) * Lanes;
            Widen(output, s0);
            Widen(output + Lanes, s1);
            Widen(output + 2 * Lanes, s2);
            Widen(output + 3 * Lanes, s3);
            Widen(output + 4 * Lanes, s4);
            Widen(output + 5 * Lanes, s5);
            Widen(output + 6 * Lanes, s6);
            Widen(output + 7 * Lanes, s7);
        }

        for (; j < j1; j++)
        {
            var s = Vector512<short>.Zero;
            var i = index + (long)j * dims;
            for (var t = 0; t < count; t++)
                s += Vector512.Load(table + (long)t * tableStride + i[t] * Lanes);
            Widen(sums + (long)(j - j0) * Lanes, s);
        }
    }

    private static unsafe void Widen(int* output, Vector512<short> sum)
    {
        var (low, high) = Vector512.Widen(sum);
        (Vector512.Load(output) + low).Store(output);
        (Vector512.Load(output + 16) + high).Store(output + 16);
    }
}
