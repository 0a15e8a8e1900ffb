using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Sc.Decode;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// Enable-product accumulators for wide b (linear layers, attention). Rows of a go in blocks of 32 lanes. For a block
/// and a dimension d, U_d[r] = sign_a[n,d]·C[d][K[d][ba[n,d]]][level r] over the 32 lanes, one entry per level of b
/// (<see cref="RowTableColumns"/>), followed by its negation for negative b. Every output column m is then
/// Σ_d U_d[entry of (m, d)]: one 32-lane vector load and add per (m, d).
/// <para>Memory order is what makes it fast: the tables of a pass of four dimensions stay close (L1/L2), and the
/// columns' 16-bit sums stream through once per pass (sequential, prefetched). The 16-bit sums cover at most
/// 32767 / L dimensions before they are widened into int32, so the result is exact.</para>
/// </summary>
internal static class EnableRowTableKernel
{
    private const int Lanes = 32;

    /// <summary>Table bytes of one pass (4 dimensions at p = 8 bipolar): each sweep of the columns' sums then adds
    /// four tables, and the tables stay in L1/L2. Measured on DiT-XL/2 shapes, 2 and 8 dimensions per sweep are slower.</summary>
    private const int PassTableBytes = 64 * 1024;

    /// <summary>The accumulators of several independent products (attention heads) on the same tables, with one
    /// parallel loop over all their (slice, row block, column range) tasks. Pooled: rented arrays of at least n·m.</summary>
    public static int[][] AccumulateSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<RowTableColumns> b, EnableTables tables, bool pooled)
    {
        var acc = new int[a.Count][];
        for (var s = 0; s < a.Count; s++)
            acc[s] = pooled ? ArrayPool<int>.Shared.Rent(a[s].Rows * b[s].Columns) : GC.AllocateUninitializedArray<int>(a[s].Rows * b[s].Columns);
        RunAll(a, b, tables, acc, null);
        return acc;
    }

    /// <summary>As <see cref="AccumulateSlices"/>, each product decoded to fp32 as its rows are written
    /// (<see cref="ScFusedDecode"/>): no accumulator array and no second pass over the output.</summary>
    public static void DecodeSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<RowTableColumns> b, EnableTables tables, IReadOnlyList<ScFusedDecode> decode) =>
        RunAll(a, b, tables, null, decode);

    private static void RunAll(IReadOnlyList<ScCodes> a, IReadOnlyList<RowTableColumns> b, EnableTables tables, int[][]? acc,
        IReadOnlyList<ScFusedDecode>? decode)
    {
        var tasks = new List<(int Slice, int Block, int J0, int J1)>();
        var blocks = 0;
        for (var s = 0; s < a.Count; s++)
            blocks += (a[s].Rows + Lanes - 1) / Lanes;
        for (var s = 0; s < a.Count; s++)
        {
            // Enough tasks for every core even when there is one row block: columns are split then.
            var m = b[s].Columns;
            var splits = Math.Clamp(2 * Environment.ProcessorCount / blocks, 1, Math.Max(1, m / 64));
            for (var block = 0; block < (a[s].Rows + Lanes - 1) / Lanes; block++)
            {
                for (var split = 0; split < splits; split++)
                    tasks.Add((s, block, (int)((long)m * split / splits), (int)((long)m * (split + 1) / splits)));
            }
        }

        Parallel.For(0, tasks.Count, t =>
        {
            var (s, block, j0, j1) = tasks[t];
            Run(a[s], b[s], tables, acc?[s], decode?[s], block, j0, j1);
        });
    }

    /// <summary>Rows [32·block, 32·block + 32) of a against columns [j0, j1) of b, into acc (row-major n × m), or decoded
    /// into <paramref name="decode"/>'s output when acc is null.</summary>
    private static unsafe void Run(ScCodes a, RowTableColumns b, EnableTables tables, int[]? acc, ScFusedDecode? decode, int block, int j0, int j1)
    {
        int n = a.Rows, m = b.Columns, dims = a.Dims;
        var entries = b.Entries;
        var length = tables.Sequences.Length;
        var flushDims = Math.Max(1, short.MaxValue / length);
        var perPass = Math.Max(1, PassTableBytes / (entries * Lanes * sizeof(short)));
        var (cycles, below) = tables.StreamOrder();
        var width = j1 - j0;
        var rows = Math.Min(Lanes, n - block * Lanes);
        // One pooled buffer for the tables and both sums, each part starting on a cache line (every part is a multiple
        // of 64 bytes): a 64-byte vector that straddles two lines costs both, and managed arrays are only 16-byte aligned.
        var (tableLength, sum16Length) = (perPass * entries * Lanes, width * Lanes);
        var scratch = ArrayPool<short>.Shared.Rent(tableLength + sum16Length + 2 * width * Lanes + 32);
        fixed (short* scratchPtr = scratch)
        fixed (ushort* indexPtr = b.Index, cyclePtr = cycles, levelPtr = b.Levels, kTable = tables.K, boundary = a.Boundary)
        fixed (sbyte* sign = a.Sign)
        fixed (int* belowPtr = below)
        {
            var tablePtr = (short*)(((nint)scratchPtr + 63) & ~(nint)63);
            var sum16Ptr = tablePtr + tableLength;
            var sumPtr = (int*)(sum16Ptr + sum16Length);
            var lanes = new BlockLanes(boundary, sign, kTable, tables.Grid + 1, block * Lanes, rows, dims);
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
                            cyclePtr + (long)(d + t) * length, belowPtr + (long)(d + t) * (tables.Grid + 1));
                    }

                    AddPass(sum16Ptr, tablePtr, entries * Lanes, indexPtr + (long)d * m, m, count, j0, j1);
                }

                Widen(sumPtr, sum16Ptr, width * Lanes, first: d0 == 0);
            }

            if (decode is { } target)
            {
                Decode(sumPtr, width, target, block * Lanes, rows, j0);
                WriteRows(sumPtr, (int*)target.Output + (long)block * Lanes * m + j0, rows, width, m);
            }
            else
            {
                fixed (int* accPtr = acc)
                    WriteRows(sumPtr, accPtr + (long)block * Lanes * m + j0, rows, width, m);
            }
        }

        ArrayPool<short>.Shared.Return(scratch);
    }

    /// <summary>The block's sums turned in place into the bits of their fp32 outputs,
    /// 0 + (fp32(sum)·factor)·(row·column): the operations of the vector decode (ScPartialDecoder), so bit-identical.</summary>
    private static unsafe void Decode(int* sums, int width, in ScFusedDecode decode, int firstRow, int rows, int j0)
    {
        var rowScales = stackalloc float[Lanes];
        for (var lane = 0; lane < Lanes; lane++)
            rowScales[lane] = lane >= rows ? 0f : decode.RowScales is { } scales ? scales[firstRow + lane] : 1f;
        var (low, high) = (Vector512.Load(rowScales), Vector512.Load(rowScales + 16));
        var factor = Vector512.Create(decode.Factor);
        fixed (float* columns = decode.ColumnScales)
        {
            for (var j = 0; j < width; j++)
            {
                var column = Vector512.Create(columns[j0 + j]);
                var p = sums + j * Lanes;
                (Vector512<float>.Zero + Vector512.ConvertToSingle(Vector512.Load(p)) * factor * (low * column)).AsInt32().Store(p);
                (Vector512<float>.Zero + Vector512.ConvertToSingle(Vector512.Load(p + 16)) * factor * (high * column)).AsInt32().Store(p + 16);
            }
        }
    }

    /// <summary>acc[lane·m + j] = sums[j·32 + lane] for the block's rows: 8×8 transposes in registers where whole
    /// tiles fit, scalar copies at the edges.</summary>
    private static unsafe void WriteRows(int* sums, int* acc, int rows, int width, int m)
    {
        var lane = 0;
        if (Transpose8x8.IsSupported)
        {
            for (; lane + 8 <= rows; lane += 8)
            {
                var j = 0;
                for (; j + 8 <= width; j += 8)
                    Transpose8x8.Run((float*)(sums + j * Lanes + lane), Lanes, (float*)(acc + (long)lane * m + j), m);
                for (; j < width; j++)
                {
                    for (var r = lane; r < lane + 8; r++)
                        acc[(long)r * m + j] = sums[j * Lanes + r];
                }
            }
        }

        for (; lane < rows; lane++)
        {
            for (var j = 0; j < width; j++)
                acc[(long)lane * m + j] = sums[j * Lanes + lane];
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
            // A select of counts + 1 compiles to one masked add (broadcast, compare into a mask, add: 3 instructions).
            for (var end = below[levels[r]]; i < end; i++)
                counts = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(cycles[i]), k).AsInt16(), counts + Vector512<short>.One, counts);
            var signedCounts = (counts ^ negative) - negative;
            signedCounts.Store(u + r * Lanes);
            if (signed)
                (-signedCounts).Store(u + (levelCount + r) * Lanes);
        }
    }

    /// <summary>Adds <paramref name="count"/> dimensions' tables into the 16-bit sums of columns [j0, j1), four
    /// dimensions per sweep of the sums (then two, then one). <paramref name="index"/> is the first dimension's row of entries.</summary>
    private static unsafe void AddPass(short* sums, short* tables, int tableStride, ushort* index, int m, int count,
        int j0, int j1)
    {
        var t = 0;
        for (; t + 4 <= count; t += 4)
        {
            short* u0 = tables + (long)t * tableStride, u1 = u0 + tableStride, u2 = u1 + tableStride, u3 = u2 + tableStride;
            ushort* i0 = index + (long)t * m, i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
            var s = sums;
            for (var j = j0; j < j1; j++, s += Lanes)
            {
                var sum = Vector512.Load(s) + Vector512.Load(u0 + i0[j] * Lanes) + Vector512.Load(u1 + i1[j] * Lanes);
                (sum + Vector512.Load(u2 + i2[j] * Lanes) + Vector512.Load(u3 + i3[j] * Lanes)).Store(s);
            }
        }

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
