using System;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Benchmarks;

/// <summary>
/// FP32 peer for the SC benchmarks: c = a·bᵀ (a n×d, b m×d) as a plain blocked loop: b transposed once, then 4 rows ×
/// 64 columns of c held in 16 AVX-512 accumulators while d streams through (one FMA per loaded b vector and row).
/// </summary>
internal static class ScFp32Peer
{
    private const int RowBlock = 4;
    private const int ColumnBlock = 64;

    public static unsafe float[] Multiply(float[] a, int n, float[] b, int m, int d)
    {
        var mPadded = (m + ColumnBlock - 1) / ColumnBlock * ColumnBlock;
        var bT = new float[d * mPadded];
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < d; k++)
                bT[k * mPadded + j] = b[j * d + k];
        }

        var c = new float[n * mPadded];
        var rowBlocks = (n + RowBlock - 1) / RowBlock;
        var columnBlocks = mPadded / ColumnBlock;
        Parallel.For(0, rowBlocks * columnBlocks, block =>
        {
            var i0 = block / columnBlocks * RowBlock;
            var j0 = block % columnBlocks * ColumnBlock;
            var rows = Math.Min(RowBlock, n - i0);
            Span<Vector512<float>> acc = stackalloc Vector512<float>[RowBlock * 4];
            fixed (float* pa = a, pb = bT)
            {
                for (var k = 0; k < d; k++)
                {
                    var brow = pb + k * mPadded + j0;
                    var b0 = Vector512.Load(brow);
                    var b1 = Vector512.Load(brow + 16);
                    var b2 = Vector512.Load(brow + 32);
                    var b3 = Vector512.Load(brow + 48);
                    for (var r = 0; r < rows; r++)
                    {
                        var x = Vector512.Create(pa[(i0 + r) * d + k]);
                        acc[r * 4] = Vector512.FusedMultiplyAdd(x, b0, acc[r * 4]);
                        acc[r * 4 + 1] = Vector512.FusedMultiplyAdd(x, b1, acc[r * 4 + 1]);
                        acc[r * 4 + 2] = Vector512.FusedMultiplyAdd(x, b2, acc[r * 4 + 2]);
                        acc[r * 4 + 3] = Vector512.FusedMultiplyAdd(x, b3, acc[r * 4 + 3]);
                    }
                }
            }

            for (var r = 0; r < rows; r++)
            {
                for (var q = 0; q < 4; q++)
                    acc[r * 4 + q].CopyTo(c.AsSpan((i0 + r) * mPadded + j0 + 16 * q, 16));
            }
        });

        if (mPadded == m)
            return c;
        var result = new float[n * m];
        for (var i = 0; i < n; i++)
            c.AsSpan(i * mPadded, m).CopyTo(result.AsSpan(i * m, m));
        return result;
    }
}
