using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>
/// C[i, j] −= Σₚ A[i, p]·B[j, p] in float64 for row-major A and B whose rows run along p: the product both blocked
/// float64 factorisations of <see cref="CholeskyInverse"/> spend their time in. Tiles of C (64×64) are spread over the
/// cores; within a tile, p is cut into blocks of 256 so that the 64 rows of A and of B it reads (2 × 128 KiB) stay in
/// L2, and 4×4 elements are accumulated at once on 8-lane vectors, each loaded row segment serving four sums. The
/// unblocked loops this replaces read the whole triangle again for every column (a dot product per element): fc2's
/// 4608-wide Hessian took 13.4 s, now 1.8–2.0 s (docs/performance.md). The kernels skip tiered compilation: a run calls
/// them a few hundred times, too few for the unoptimised first tier to be left early.
/// </summary>
internal static unsafe class DotTiles
{
    private const int Tile = 64;
    private const int DepthBlock = 256;

    /// <summary>Rows [0, rows) and columns [0, cols) of C, p over [pStart, pEnd). <paramref name="lowerOnly"/> keeps
    /// j ≤ i + <paramref name="diagonalOffset"/> (C's row i is the matrix's row i + offset when C is a trailing block of a
    /// symmetric matrix). <paramref name="bZeroBefore"/>: B[j, p] = 0 for p &lt; j (an upper-triangular B), so
    /// each column tile starts p at its first column.</summary>
    public static void Subtract(double[] a, int lda, int aOffset, double[] b, int ldb, int bOffset, double[] c, int ldc, int cOffset, int rows,
        int cols, int pStart, int pEnd, bool lowerOnly = false, int diagonalOffset = 0, bool bZeroBefore = false)
    {
        if (rows <= 0 || cols <= 0 || pEnd <= pStart)
            return;
        var rowTiles = (rows + Tile - 1) / Tile;
        var colTiles = (cols + Tile - 1) / Tile;
        var tiles = new (int I, int J)[rowTiles * colTiles];
        var count = 0;
        for (var it = 0; it < rowTiles; it++)
        {
            for (var jt = 0; jt < colTiles; jt++)
            {
                if (lowerOnly && jt * Tile > it * Tile + Tile - 1 + diagonalOffset)
                    continue;
                tiles[count++] = (it * Tile, jt * Tile);
            }
        }

        Parallel.For(0, count, t =>
        {
            var (i0, j0) = tiles[t];
            var i1 = Math.Min(rows, i0 + Tile);
            var j1 = Math.Min(cols, j0 + Tile);
            var p0 = bZeroBefore ? Math.Max(pStart, j0 / 8 * 8) : pStart;
            fixed (double* pa = a, pb = b, pc = c)
            {
                for (var q0 = p0; q0 < pEnd; q0 += DepthBlock)
                {
                    var q1 = Math.Min(pEnd, q0 + DepthBlock);
                    TileBlock(pa + aOffset, lda, pb + bOffset, ldb, pc + cOffset, ldc, i0, i1, j0, j1, q0, q1, lowerOnly, diagonalOffset);
                }
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileBlock(double* a, int lda, double* b, int ldb, double* c, int ldc, int i0, int i1, int j0, int j1, int p0, int p1,
        bool lowerOnly, int diagonalOffset)
    {
        var i = i0;
        for (; i + 4 <= i1; i += 4)
        {
            var jEnd = lowerOnly ? Math.Min(j1, i + 4 + diagonalOffset) : j1;
            var j = j0;
            for (; j + 4 <= jEnd; j += 4)
                FourByFour(a + (long)i * lda, lda, b + (long)j * ldb, ldb, c + (long)i * ldc + j, ldc, p0, p1, lowerOnly ? i + diagonalOffset - j : int.MaxValue);
            for (; j < jEnd; j++)
            {
                for (var r = i; r < i + 4; r++)
                {
                    if (!lowerOnly || j <= r + diagonalOffset)
                        c[(long)r * ldc + j] -= DenseMath.Dot(Segment(a + (long)r * lda, p0, p1), Segment(b + (long)j * ldb, p0, p1));
                }
            }
        }

        for (; i < i1; i++)
        {
            var jEnd = lowerOnly ? Math.Min(j1, i + 1 + diagonalOffset) : j1;
            for (var j = j0; j < jEnd; j++)
                c[(long)i * ldc + j] -= DenseMath.Dot(Segment(a + (long)i * lda, p0, p1), Segment(b + (long)j * ldb, p0, p1));
        }
    }

    /// <summary>The 4×4 block of C at <paramref name="c"/>; element (r, s) is kept only where s − r ≤ <paramref name="keepBelow"/>
    /// (the diagonal tiles of a lower-triangle update; int.MaxValue keeps all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByFour(double* a, int lda, double* b, int ldb, double* c, int ldc, int p0, int p1, int keepBelow)
    {
        Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<double> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        double* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        double* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
        var p = p0;
        for (; p + 8 <= p1; p += 8)
        {
            var x0 = Vector512.Load(a0 + p);
            var x1 = Vector512.Load(a1 + p);
            var x2 = Vector512.Load(a2 + p);
            var x3 = Vector512.Load(a3 + p);
            var y = Vector512.Load(b0 + p);
            s00 = Vector512.FusedMultiplyAdd(x0, y, s00);
            s10 = Vector512.FusedMultiplyAdd(x1, y, s10);
            s20 = Vector512.FusedMultiplyAdd(x2, y, s20);
            s30 = Vector512.FusedMultiplyAdd(x3, y, s30);
            y = Vector512.Load(b1 + p);
            s01 = Vector512.FusedMultiplyAdd(x0, y, s01);
            s11 = Vector512.FusedMultiplyAdd(x1, y, s11);
            s21 = Vector512.FusedMultiplyAdd(x2, y, s21);
            s31 = Vector512.FusedMultiplyAdd(x3, y, s31);
            y = Vector512.Load(b2 + p);
            s02 = Vector512.FusedMultiplyAdd(x0, y, s02);
            s12 = Vector512.FusedMultiplyAdd(x1, y, s12);
            s22 = Vector512.FusedMultiplyAdd(x2, y, s22);
            s32 = Vector512.FusedMultiplyAdd(x3, y, s32);
            y = Vector512.Load(b3 + p);
            s03 = Vector512.FusedMultiplyAdd(x0, y, s03);
            s13 = Vector512.FusedMultiplyAdd(x1, y, s13);
            s23 = Vector512.FusedMultiplyAdd(x2, y, s23);
            s33 = Vector512.FusedMultiplyAdd(x3, y, s33);
        }

        Span<double> sums =
        [
            Vector512.Sum(s00), Vector512.Sum(s01), Vector512.Sum(s02), Vector512.Sum(s03),
            Vector512.Sum(s10), Vector512.Sum(s11), Vector512.Sum(s12), Vector512.Sum(s13),
            Vector512.Sum(s20), Vector512.Sum(s21), Vector512.Sum(s22), Vector512.Sum(s23),
            Vector512.Sum(s30), Vector512.Sum(s31), Vector512.Sum(s32), Vector512.Sum(s33),
        ];
        for (var r = 0; r < 4; r++)
        {
            for (var s = 0; s < 4; s++)
            {
                if (s - r > keepBelow)
                    continue;
                var sum = sums[r * 4 + s];
                for (var q = p; q < p1; q++)
                    sum += a[(long)r * lda + q] * b[(long)s * ldb + q];
                c[(long)r * ldc + s] -= sum;
            }
        }
    }

    /// <summary>Elements [p0, p1) of a row, for the remainders that go through <see cref="DenseMath.Dot"/>.</summary>
    private static ReadOnlySpan<double> Segment(double* row, int p0, int p1) => new(row + p0, p1 - p0);
}
