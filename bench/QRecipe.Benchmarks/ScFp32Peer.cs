using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Benchmarks;

/// <summary>
/// FP32 peer for the SC benchmarks: c = a·bᵀ (a n×d, b m×d) as a plain blocked loop. b is transposed (and a padded
/// to whole 4-row blocks) once; each task keeps a 4-row × 64-column tile of c in 16 AVX-512 registers while d
/// streams through, one FMA per loaded b vector and row.
/// </summary>
internal static class ScFp32Peer
{
    private const int RowBlock = 4;
    private const int ColumnBlock = 64;

    public static unsafe float[] Multiply(float[] a, int n, float[] b, int m, int d)
    {
        var mPadded = (m + ColumnBlock - 1) / ColumnBlock * ColumnBlock;
        var nPadded = (n + RowBlock - 1) / RowBlock * RowBlock;
        var bT = new float[d * mPadded];
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < d; k++)
                bT[k * mPadded + j] = b[j * d + k];
        }

        var aPadded = new float[nPadded * d];
        a.CopyTo(aPadded, 0);
        var c = new float[nPadded * mPadded];
        var columnBlocks = mPadded / ColumnBlock;
        Parallel.For(0, nPadded / RowBlock * columnBlocks, block =>
        {
            var i0 = block / columnBlocks * RowBlock;
            var j0 = block % columnBlocks * ColumnBlock;
            fixed (float* pa = aPadded, pb = bT, pc = c)
            {
                Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
                Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
                Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
                Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
                float* a0 = pa + i0 * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
                for (var k = 0; k < d; k++)
                {
                    var row = pb + k * mPadded + j0;
                    var b0 = Vector512.Load(row);
                    var b1 = Vector512.Load(row + 16);
                    var b2 = Vector512.Load(row + 32);
                    var b3 = Vector512.Load(row + 48);
                    var x = Vector512.Create(a0[k]);
                    c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
                    c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                    c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
                    c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
                    x = Vector512.Create(a1[k]);
                    c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
                    c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                    c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
                    c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
                    x = Vector512.Create(a2[k]);
                    c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
                    c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                    c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
                    c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
                    x = Vector512.Create(a3[k]);
                    c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
                    c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                    c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
                    c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
                }

                float* o = pc + i0 * mPadded + j0;
                Store(o, c00, c01, c02, c03);
                Store(o + mPadded, c10, c11, c12, c13);
                Store(o + 2 * mPadded, c20, c21, c22, c23);
                Store(o + 3 * mPadded, c30, c31, c32, c33);
            }
        });

        if (mPadded == m && nPadded == n)
            return c;
        var result = new float[n * m];
        for (var i = 0; i < n; i++)
            System.Array.Copy(c, i * mPadded, result, i * m, m);
        return result;
    }

    private static unsafe void Store(float* row, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        v0.Store(row);
        v1.Store(row + 16);
        v2.Store(row + 32);
        v3.Store(row + 48);
    }
}
