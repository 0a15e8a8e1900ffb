using System;
using System.Buffers;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Enable-product accumulators for wide b (linear layers, attention). Rows of a go in blocks of 32 lanes. For a block
/// and a dimension d, U_d[r] = sign_a[n,d]·C[d][K[d][ba[n,d]]][level r] over the 32 lanes, one entry per level of b
/// (<see cref="RowTableColumns"/>), followed by its negation for negative b. Every output column m is then
/// Σ_d U_d[entry of (m, d)]: one 32-lane vector load and add per (m, d).
/// <para>Memory order is what makes it fast: the tables of a pass of a few dimensions fit in L1 together, and the
/// columns' 16-bit sums stream through once per pass (sequential, prefetched), so every table read hits L1. The 16-bit
/// sums cover at most 32767 / L dimensions before they are widened into int32, so the result is exact.</para>
/// </summary>
internal static class EnableRowTableKernel
{
    private const int Lanes = 32;

    /// <summary>Table bytes of one pass: with the streamed sums it stays in a 48 KiB L1.</summary>
    private const int PassTableBytes = 32 * 1024;

    public static unsafe int[] Accumulate(ScCodes a, RowTableColumns b, EnableTables tables)
    {
        int n = a.Rows, m = b.Columns, dims = a.Dims;
        var entries = b.Entries;
        var flushDims = Math.Max(1, short.MaxValue / tables.Sequences.Length);
        var perPass = Math.Max(1, PassTableBytes / (entries * Lanes * sizeof(short)));
        var (cycles, below) = tables.StreamOrder();

        // Tasks are (row block, column range): enough of them for every core even when n is one block.
        var rowBlocks = (n + Lanes - 1) / Lanes;
        var splits = Math.Clamp(2 * Environment.ProcessorCount / rowBlocks, 1, Math.Max(1, m / 64));
        var acc = GC.AllocateUninitializedArray<int>(n * m);
        Parallel.For(0, rowBlocks * splits, task =>
        {
            var (block, split) = (task / splits, task % splits);
            var (j0, j1) = ((int)((long)m * split / splits), (int)((long)m * (split + 1) / splits));
            var width = j1 - j0;
            var table = ArrayPool<short>.Shared.Rent(perPass * entries * Lanes);
            var sums16 = ArrayPool<short>.Shared.Rent(width * Lanes);
            var sums = ArrayPool<int>.Shared.Rent(width * Lanes);
            var lanes = new RowLanes(a, tables, block * Lanes);
            fixed (short* tablePtr = table, sum16Ptr = sums16)
            fixed (int* sumPtr = sums)
            fixed (ushort* indexPtr = b.Index, cyclePtr = cycles, levelPtr = b.Levels)
            fixed (int* belowPtr = below)
            {
                for (var d0 = 0; d0 < dims; d0 += flushDims)
                {
                    var end = Math.Min(dims, d0 + flushDims);
                    new Span<short>(sum16Ptr, width * Lanes).Clear();
                    for (var d = d0; d < end; d += perPass)
                    {
                        var count = Math.Min(perPass, end - d);
                        for (var t = 0; t < count; t++)
                        {
                            var (k, negative) = lanes.At(d + t);
                            BuildTable(tablePtr + t * entries * Lanes, k, negative, b.Signed, levelPtr, b.Levels.Length,
                                cyclePtr + (long)(d + t) * tables.Sequences.Length, belowPtr + (long)(d + t) * (tables.Grid + 1));
                        }

                        AddPass(sum16Ptr, tablePtr, entries * Lanes, indexPtr + (long)d * m, m, count, j0, j1);
                    }

                    Widen(sumPtr, sum16Ptr, width * Lanes, first: d0 == 0);
                }
            }

            for (var lane = 0; lane < Lanes && block * Lanes + lane < n; lane++)
            {
                var output = acc.AsSpan((block * Lanes + lane) * m);
                for (var j = j0; j < j1; j++)
                    output[j] = sums[(j - j0) * Lanes + lane];
            }

            ArrayPool<int>.Shared.Return(sums);
            ArrayPool<short>.Shared.Return(sums16);
            ArrayPool<short>.Shared.Return(table);
        });

        return acc;
    }

    /// <summary>The 32 rows of a block at one dimension: k = K[d][ba] (0 where a is 0 or beyond n) and a's sign as a
    /// 0 / −1 mask.</summary>
    private readonly struct RowLanes(ScCodes a, EnableTables tables, int firstRow)
    {
        public (Vector512<ushort> K, Vector512<short> Negative) At(int d)
        {
            Span<ushort> k = stackalloc ushort[Lanes];
            Span<short> negative = stackalloc short[Lanes];
            var rows = Math.Min(Lanes, a.Rows - firstRow);
            var kRow = tables.K.AsSpan(d * (tables.Grid + 1));
            for (var lane = 0; lane < rows; lane++)
            {
                var i = (firstRow + lane) * a.Dims + d;
                var sign = a.Sign[i];
                k[lane] = sign == 0 ? (ushort)0 : kRow[a.Boundary[i]];
                negative[lane] = (short)(sign < 0 ? -1 : 0);
            }

            k[rows..].Clear();
            negative[rows..].Clear();
            return (Vector512.Create<ushort>(k), Vector512.Create<short>(negative));
        }
    }

    /// <summary>
    /// U_d over the 32 lanes: walking b's stream in order of value (<see cref="EnableTables.StreamOrder"/>), a lane's
    /// count C[k][v] grows by one for every cycle below its k, so a table costs one compare and subtract per cycle (L)
    /// and one store per entry.
    /// </summary>
    private static unsafe void BuildTable(short* u, Vector512<ushort> k, Vector512<short> negative, bool signed,
        ushort* levels, int levelCount, ushort* cycles, int* below)
    {
        var counts = Vector512<short>.Zero;
        var i = 0;
        for (var r = 0; r < levelCount; r++)
        {
            for (var end = below[levels[r]]; i < end; i++)
                counts -= Vector512.LessThan(Vector512.Create(cycles[i]), k).AsInt16();
            var signedCounts = (counts ^ negative) - negative;
            signedCounts.Store(u + r * Lanes);
            if (signed)
                (-signedCounts).Store(u + (levelCount + r) * Lanes);
        }
    }

    /// <summary>Adds <paramref name="count"/> dimensions' tables into the 16-bit sums of columns [j0, j1), two
    /// dimensions per sweep of the sums. <paramref name="index"/> is the first dimension's row of entries.</summary>
    private static unsafe void AddPass(short* sums, short* tables, int tableStride, ushort* index, int m, int count,
        int j0, int j1)
    {
        var t = 0;
        for (; t + 2 <= count; t += 2)
        {
            short* u0 = tables + (long)t * tableStride, u1 = u0 + tableStride;
            ushort* i0 = index + (long)t * m, i1 = i0 + m;
            var s = sums;
            for (var j = j0; j < j1; j++, s += Lanes)
                (Vector512.Load(s) + Vector512.Load(u0 + i0[j] * Lanes) + Vector512.Load(u1 + i1[j] * Lanes)).Store(s);
        }

        if (t < count)
        {
            var u0 = tables + (long)t * tableStride;
            var i0 = index + (long)t * m;
            var s = sums;
            for (var j = j0; j < j1; j++, s += Lanes)
                (Vector512.Load(s) + Vector512.Load(u0 + i0[j] * Lanes)).Store(s);
        }
    }

    private static unsafe void Widen(int* sums, short* sums16, int count, bool first)
    {
        for (var i = 0; i < count; i += Lanes)
        {
            var (low, high) = Vector512.Widen(Vector512.Load(sums16 + i));
            if (!first)
            {
                low += Vector512.Load(sums + i);
                high += Vector512.Load(sums + i + 16);
            }

            low.Store(sums + i);
            high.Store(sums + i + 16);
        }
    }
}
