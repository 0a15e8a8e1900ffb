using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Products of at most <see cref="MaxRows"/> rows of A with a B read transposed from a row-major [N, K] matrix (a
/// linear layer's weight): the adaLN and timestep layers at one or two samples. The blocked path packs all of B for
/// them and fills 8-row tiles of which one or two rows are used, so these memory-bound products spent their time
/// writing and rereading the packed copy. Here each group of 8 columns of B is transposed 8×8 in registers as it is
/// read, and multiplied at once. Every element gets the same fused multiply-adds in the same order as in the blocked
/// path (a running sum from zero over each block of <see cref="GemmBlocking.Kc"/> values of k, then sum·alpha + addend,
/// the addend being the bias on the first block and C on later ones), so a sample's output does not depend on how
/// many samples share its batch.
/// </summary>
internal static unsafe class FewRowsSgemm
{
    /// <summary>Above four rows the blocked kernel's wider tiles win despite the packing.</summary>
    public const int MaxRows = 4;

    public static bool Applies(in GemmProblem problem) =>
        problem.M <= MaxRows && problem.K > 0 && problem.B.RowStride == 1 && Transpose8x8.IsSupported && Fma.IsSupported;

    /// <summary>Columns go in tiles of 48, the blocked path's tile width, so that the fused GELU runs over the same
    /// column segments and gives the same bits.</summary>
    private const int TileColumns = 48;

    public static void Multiply(in GemmProblem problem) =>
        RangeParallel<GemmProblem>.For((problem.N + TileColumns - 1) / TileColumns, (long)problem.N * problem.K, problem, &Tiles);

    /// <summary>Column tiles [firstTile, endTile), the last one clipped to N.</summary>
    private static void Tiles(in GemmProblem problem, int firstTile, int endTile)
    {
        for (var tile = firstTile; tile < endTile; tile++)
        {
            var start = tile * TileColumns;
            var end = Math.Min(problem.N, start + TileColumns);
            var column = start;
            for (; column + 8 <= end; column += 8)
                EightColumns(problem, column);
            for (; column < end; column++)
                OneColumn(problem, column);
            if (problem.Epilogue != GemmEpilogue.Gelu)
                continue;
            for (var i = 0; i < problem.M; i++)
            {
                var row = problem.C + i * problem.Ldc + start;
                Activations.GeluSpan(row, row, end - start);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightColumns(in GemmProblem problem, int column)
    {
        var weights = problem.B.Data + column * problem.B.ColumnStride;
        var stride = problem.B.ColumnStride;
        // Rows past M read row 0 again and are not stored, so the loop has no per-row branches.
        var a0 = RowOfA(problem, 0);
        var a1 = RowOfA(problem, 1);
        var a2 = RowOfA(problem, 2);
        var a3 = RowOfA(problem, 3);
        var ak = problem.A.ColumnStride;
        var block = stackalloc float[64];
        for (var k0 = 0; k0 < problem.K; k0 += GemmBlocking.Kc)
        {
            var kEnd = Math.Min(problem.K, k0 + GemmBlocking.Kc);
            Vector256<float> c0 = Vector256<float>.Zero, c1 = Vector256<float>.Zero, c2 = Vector256<float>.Zero, c3 = Vector256<float>.Zero;
            var k = k0;
            for (; k + 8 <= kEnd; k += 8)
            {
                // block[q·8 + j] = B(k + q, column + j)
                Transpose8x8.Run(weights + k, stride, block, 8);
                for (var q = 0; q < 8; q++)
                {
                    var b = Avx.LoadVector256(block + q * 8);
                    var at = (k + q) * ak;
                    c0 = Fma.MultiplyAdd(Vector256.Create(a0[at]), b, c0);
                    c1 = Fma.MultiplyAdd(Vector256.Create(a1[at]), b, c1);
                    c2 = Fma.MultiplyAdd(Vector256.Create(a2[at]), b, c2);
                    c3 = Fma.MultiplyAdd(Vector256.Create(a3[at]), b, c3);
                }
            }

            for (; k < kEnd; k++)
            {
                var b = Vector256.Create(weights[k], weights[stride + k], weights[2 * stride + k], weights[3 * stride + k],
                    weights[4 * stride + k], weights[5 * stride + k], weights[6 * stride + k], weights[7 * stride + k]);
                var at = k * ak;
                c0 = Fma.MultiplyAdd(Vector256.Create(a0[at]), b, c0);
                c1 = Fma.MultiplyAdd(Vector256.Create(a1[at]), b, c1);
                c2 = Fma.MultiplyAdd(Vector256.Create(a2[at]), b, c2);
                c3 = Fma.MultiplyAdd(Vector256.Create(a3[at]), b, c3);
            }

            Store(problem, 0, column, k0, c0);
            Store(problem, 1, column, k0, c1);
            Store(problem, 2, column, k0, c2);
            Store(problem, 3, column, k0, c3);
        }
    }

    private static void Store(in GemmProblem problem, int row, int column, int k0, Vector256<float> sum)
    {
        if (row >= problem.M)
            return;
        var c = problem.C + row * problem.Ldc + column;
        var addend = Addend(problem, c, column, k0);
        Fma.MultiplyAdd(sum, Vector256.Create(problem.Alpha), Avx.LoadVector256(addend)).Store(c);
    }

    private static void OneColumn(in GemmProblem problem, int column)
    {
        var weights = problem.B.Data + column * problem.B.ColumnStride;
        for (var i = 0; i < problem.M; i++)
        {
            var a = RowOfA(problem, i);
            var c = problem.C + i * problem.Ldc + column;
            for (var k0 = 0; k0 < problem.K; k0 += GemmBlocking.Kc)
            {
                var kEnd = Math.Min(problem.K, k0 + GemmBlocking.Kc);
                var sum = 0f;
                for (var k = k0; k < kEnd; k++)
                    sum = MathF.FusedMultiplyAdd(a[k * problem.A.ColumnStride], weights[k], sum);
                *c = MathF.FusedMultiplyAdd(sum, problem.Alpha, *Addend(problem, c, column, k0));
            }
        }
    }

    /// <summary>What the block's sum is added to: the bias (or zero) on the first block, the partial result after.</summary>
    private static float* Addend(in GemmProblem problem, float* c, int column, int k0) =>
        k0 > 0 ? c : problem.Bias != null ? problem.Bias + column : GemmScratch.Zeros;

    private static float* RowOfA(in GemmProblem problem, int row) => problem.A.Data + (row < problem.M ? row : 0) * problem.A.RowStride;
}
