using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// Enable-product accumulators by table lookups, for narrow b (few columns, e.g. attention): per (n, d) the C row of
/// k = K[d][ba] is fixed, so b's boundaries (stored transposed, d-major) index into one
/// G-entry row (C[k][G] = k by a compare): AVX-512BW two-table word permutes (vpermi2w, 64 entries each) do 32 lookups per chunk of 64
/// entries, and b's sign is applied with an XOR/subtract mask. Counts are summed in wrapping 16-bit lanes for at most
/// 32767 / L dimensions and then widened into int32, so the result is exact.</para>
/// </summary>
internal static class EnableLookupKernel
{
    private const int Lanes = 32;

    public static int[] Accumulate(ScCodes a, ScCodes b, EnableTables tables, bool signed, ushort[] kA)
    {
        int n = a.Rows, m = b.Rows, dims = a.Dims;
        var length = tables.Sequences.Length;
        var grid = tables.Grid;
        var width = tables.RowWidth;
        var mPadded = (m + Lanes - 1) / Lanes * Lanes;

        var bT = new ushort[dims * mPadded];
        var bNegative = new ushort[dims * mPadded];
        for (var j = 0; j < m; j++)
        {
            for (var d = 0; d < dims; d++)
            {
                bT[d * mPadded + j] = b.Boundary[j * dims + d];
                bNegative[d * mPadded + j] = b.Sign[j * dims + d] < 0 ? ushort.MaxValue : (ushort)0;
            }
        }

        var vector = !EnableKernel.ForceScalar && Avx512BW.IsSupported && length <= short.MaxValue;
        var blockDims = Math.Max(1, Math.Min(dims, short.MaxValue / length));
        var acc = new int[n * m];
        var slicesOfBlock = new EnableSliceBuffers();
        for (var d0 = 0; d0 < dims; d0 += blockDims)
        {
            var count = Math.Min(blockDims, dims - d0);
            var slices = tables.Slices(d0, count, slicesOfBlock);
            Parallel.For(0, n, () => new ushort[mPadded], (i, _, acc16) =>
            {
                Array.Clear(acc16);
                for (var d = d0; d < d0 + count; d++)
                {
                    var k = kA[i * dims + d];
                    var sign = a.Sign[i * dims + d];
                    if (k == 0 || sign == 0)
                        continue;
                    var row = slices[d - d0].AsSpan(k * width, width);
                    var index = bT.AsSpan(d * mPadded, mPadded);
                    var negative = bNegative.AsSpan(d * mPadded, mPadded);
                    if (vector)
                        AddRowAvx512(acc16, row, index, negative, signed, sign < 0, grid, k);
                    else if (length <= short.MaxValue)
                        AddRowScalar(acc16, row, index, negative, signed, sign < 0, grid, k);
                    else
                        AddRowWide(acc, i * m, m, row, index, negative, signed, sign < 0, grid, k);
                }

                var output = acc.AsSpan(i * m, m);
                for (var j = 0; j < m; j++)
                    output[j] += (short)acc16[j];
                return acc16;
            }, _ => { });
        }

        return acc;
    }

    private static void AddRowScalar(Span<ushort> acc, ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> index,
        ReadOnlySpan<ushort> negative, bool signed, bool subtract, int grid, ushort k)
    {
        for (var j = 0; j < acc.Length; j++)
        {
            var value = index[j] == grid ? k : row[index[j]];
            if (signed && negative[j] != 0)
                value = (ushort)-value;
            acc[j] = (ushort)(subtract ? acc[j] - value : acc[j] + value);
        }
    }

    /// <summary>L &gt; 32767 (p = 15, full stream): one dimension can overflow 16 bits, so add straight into int32.</summary>
    private static void AddRowWide(int[] acc, int offset, int m, ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> index,
        ReadOnlySpan<ushort> negative, bool signed, bool subtract, int grid, ushort k)
    {
        for (var j = 0; j < m; j++)
        {
            int value = index[j] == grid ? k : row[index[j]];
            if (signed && negative[j] != 0)
                value = -value;
            acc[offset + j] += subtract ? -value : value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRowAvx512(Span<ushort> acc, ReadOnlySpan<ushort> row, ReadOnlySpan<ushort> index,
        ReadOnlySpan<ushort> negative, bool signed, bool subtract, int grid, ushort k)
    {
        var chunks = row.Length / 64;
        var gridVector = Vector512.Create((ushort)grid);
        var kVector = Vector512.Create(k);
        fixed (ushort* accPtr = acc, rowPtr = row, indexPtr = index, negativePtr = negative)
        {
            // Chunks beyond the fifth (G > 320) are read from memory; up to five stay in registers.
            var t0 = Vector512.Load(rowPtr);
            var t1 = Vector512.Load(rowPtr + 32);
            var t2 = chunks > 1 ? Vector512.Load(rowPtr + 64) : default;
            var t3 = chunks > 1 ? Vector512.Load(rowPtr + 96) : default;
            var t4 = chunks > 2 ? Vector512.Load(rowPtr + 128) : default;
            var t5 = chunks > 2 ? Vector512.Load(rowPtr + 160) : default;
            var t6 = chunks > 3 ? Vector512.Load(rowPtr + 192) : default;
            var t7 = chunks > 3 ? Vector512.Load(rowPtr + 224) : default;
            var t8 = chunks > 4 ? Vector512.Load(rowPtr + 256) : default;
            var t9 = chunks > 4 ? Vector512.Load(rowPtr + 288) : default;
            var c64 = Vector512.Create((ushort)64);
            var c128 = Vector512.Create((ushort)128);
            var c192 = Vector512.Create((ushort)192);
            var c256 = Vector512.Create((ushort)256);
            for (var j = 0; j < acc.Length; j += Lanes)
            {
                var idx = Vector512.Load(indexPtr + j);
                var value = Avx512BW.PermuteVar32x16x2(t0, idx, t1);
                if (chunks > 1)
                    value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(idx, c64), Avx512BW.PermuteVar32x16x2(t2, idx, t3), value);
                if (chunks > 2)
                    value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(idx, c128), Avx512BW.PermuteVar32x16x2(t4, idx, t5), value);
                if (chunks > 3)
                    value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(idx, c192), Avx512BW.PermuteVar32x16x2(t6, idx, t7), value);
                if (chunks > 4)
                    value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(idx, c256), Avx512BW.PermuteVar32x16x2(t8, idx, t9), value);
                for (var chunk = 5; chunk < chunks; chunk++)
                {
                    var lookedUp = Avx512BW.PermuteVar32x16x2(Vector512.Load(rowPtr + 64 * chunk), idx, Vector512.Load(rowPtr + 64 * chunk + 32));
                    value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(idx, Vector512.Create((ushort)(64 * chunk))), lookedUp, value);
                }

                value = Vector512.ConditionalSelect(Vector512.Equals(idx, gridVector), kVector, value);
                if (signed)
                {
                    var mask = Vector512.Load(negativePtr + j);
                    value = (value ^ mask) - mask;
                }

                var sum = Vector512.Load(accPtr + j);
                (subtract ? sum - value : sum + value).Store(accPtr + j);
            }
        }
    }
}
