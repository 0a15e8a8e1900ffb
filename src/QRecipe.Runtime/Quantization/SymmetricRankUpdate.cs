using System;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Runtime.Backends.Cpu.Gemm;

namespace QRecipe.Runtime.Quantization;

/// <summary>
/// S += XᵀX for X [rows, n] float32, S [n, n] float64 of which only the lower triangle (j ≤ i) is written: a blocked
/// symmetric rank-k update through the packed SGEMM. Rows are taken <see cref="RowBlock"/> at a time; for each block,
/// tile-row t of S (rows [t·T, t·T + T)) is one float32 GEMM X[:, tile]ᵀ·X[:, 0..t·T + T) into a scratch, whose lower
/// part is then added to S in float64. So only the tiles on and below the diagonal are multiplied, the transposed
/// operand is read through strides (no copy), and float32 sums never run over more than <see cref="RowBlock"/> rows.
///
/// Error (the bound the tests check): a float32 dot product of L terms, with or without fused multiply-adds, satisfies
/// |fl(Σ xₖyₖ) − Σ xₖyₖ| ≤ γ_L·Σ|xₖyₖ|, γ_L = L·u/(1 − L·u), u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical
/// Algorithms, chapter 3: each of the L products and L − 1 additions contributes at most one rounding of relative size u
/// to the terms it touches). Each row block is such a sum with L ≤ RowBlock, and the blocks' results are added in
/// float64, so |S̃ᵢⱼ − Sᵢⱼ| ≤ γ_RowBlock·Σₖ|xₖᵢxₖⱼ| + (blocks)·2⁻⁵³·Σₖ|xₖᵢxₖⱼ|. With RowBlock = 512, γ ≈ 3.1e-5: far
/// below GPTQ's 1% damping, and tighter than the reference, which sums all rows of a batch in float32.
/// </summary>
internal static unsafe class SymmetricRankUpdate
{
    /// <summary>Rows summed in float32 before the float64 addition: long enough that the addition (n²/2 per block)
    /// costs a few percent of the block's n²·L multiply-adds, short enough to keep γ_L small.</summary>
    public const int RowBlock = 512;

    /// <summary>Rows of S per GEMM: a multiple of the AVX-512 kernel's 8 rows and 48 columns; the diagonal tiles'
    /// upper halves (T/n of the work) are computed and discarded.</summary>
    public const int Tile = 192;

    /// <summary>Adds XᵀX to the lower triangle of <paramref name="sum"/>. <paramref name="cancellation"/> is checked
    /// before every GEMM; a cancelled update leaves S partly updated.</summary>
    public static void AddLower(ReadOnlySpan<float> x, int rows, int n, double[] sum, CancellationToken cancellation = default)
    {
        if (rows == 0)
            return;
        var scratch = new float[(long)Math.Min(Tile, n) * n];
        fixed (float* xp = x)
        fixed (float* cp = scratch)
        {
            for (var r0 = 0; r0 < rows; r0 += RowBlock)
            {
                var length = Math.Min(RowBlock, rows - r0);
                var block = xp + (long)r0 * n;
                for (var i0 = 0; i0 < n; i0 += Tile)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var m = Math.Min(Tile, n - i0);
                    var width = i0 + m;
                    // C[i, j] = Σₖ X[k, i0 + i]·X[k, j]: A = X[:, tile]ᵀ (row stride 1, column stride n), B = X[:, 0..width).
                    Sgemm.Multiply(new GemmProblem(m, width, length, 1f,
                        new MatrixView(block + i0, 1, n), MatrixView.RowMajor(block, n, false), cp, width, null));
                    AddTileRow(scratch, m, width, i0, n, sum);
                }
            }
        }
    }

    /// <summary>S[i0 + i, 0..i0 + i] += C[i, 0..i0 + i] in float64, rows in parallel.</summary>
    private static void AddTileRow(float[] c, int m, int width, int i0, int n, double[] sum)
    {
        if ((long)m * width < 1 << 16)
        {
            for (var i = 0; i < m; i++) AddRow(c, i, width, i0, n, sum);
            return;
        }
        Parallel.For(0, m, i => AddRow(c, i, width, i0, n, sum));
    }

    private static void AddRow(float[] c, int i, int width, int i0, int n, double[] sum)
    {
        var count = i0 + i + 1;
        var source = new ReadOnlySpan<float>(c, i * width, count);
        var target = new Span<double>(sum, (i0 + i) * n, count);
        var j = 0;
        for (; j <= count - Vector<float>.Count; j += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(source[j..]), out var low, out var high);
            (new Vector<double>(target[j..]) + low).CopyTo(target[j..]);
            (new Vector<double>(target[(j + Vector<double>.Count)..]) + high).CopyTo(target[(j + Vector<double>.Count)..]);
        }
        for (; j < count; j++) target[j] += source[j];
    }
}
