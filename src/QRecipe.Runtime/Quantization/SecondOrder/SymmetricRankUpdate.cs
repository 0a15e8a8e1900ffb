using System;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using QRecipe.Runtime.Backends.Cpu.Gemm;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>
/// S += XᵀX for X [rows, n] float32, S [n, n] float64 of which only the lower triangle (j ≤ i) is written: a blocked
/// symmetric rank-k update through the packed SGEMM. S is cut into tile-rows of <see cref="Tile"/> rows; tile-row t
/// (rows [t·T, t·T + T)) is, per block of <see cref="RowBlock"/> rows of X, one float32 GEMM X[:, tile]ᵀ·X[:, 0..t·T + T)
/// into a scratch, whose lower part is then added to S in float64. So only the tiles on and below the diagonal are
/// multiplied, the transposed operand is read through strides (no copy), and float32 sums never run over more than
/// RowBlock rows. The workers claim whole tile-rows, largest first, and run the single-threaded blocked GEMM on them:
/// each owns its rows of S, and one update is one parallel region rather than one per GEMM, which matters on a
/// shared host where every barrier waits for a descheduled worker.
///
/// Error (the bound the tests check): a float32 dot product of L terms, with or without fused multiply-adds, satisfies
/// |fl(Σ xₖyₖ) − Σ xₖyₖ| ≤ γ_L·Σ|xₖyₖ|, γ_L = L·u/(1 − L·u), u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical
/// Algorithms, chapter 3: each of the L products and L − 1 additions contributes at most one rounding of relative
/// size u to the terms it touches). Each row block is such a sum with L ≤ RowBlock, and the blocks' results are added
/// in float64, so |S̃ᵢⱼ − Sᵢⱼ| ≤ γ_RowBlock·Σₖ|xₖᵢxₖⱼ| + (blocks)·2⁻⁵³·Σₖ|xₖᵢxₖⱼ|. With RowBlock = 512, γ ≈ 3.1e-5: far
/// below GPTQ's 1% damping, and tighter than the reference, which sums all rows of a batch in float32.
/// </summary>
internal static unsafe class SymmetricRankUpdate
{
    /// <summary>Rows summed in float32 before the float64 addition: long enough that the addition (n²/2 per block)
    /// costs a few percent of the block's n²·L multiply-adds, short enough to keep γ_L small.</summary>
    public const int RowBlock = 512;

    /// <summary>Rows of S per tile: a multiple of the AVX-512 kernel's 8 rows and 48 columns; the diagonal tiles'
    /// upper halves (T/n of the work) are computed and discarded.</summary>
    public const int Tile = 192;

    /// <summary>Adds XᵀX to the lower triangle of <paramref name="sum"/>. <paramref name="cancellation"/> is checked
    /// before every GEMM; a cancelled update leaves S partly updated.</summary>
    public static void AddLower(ReadOnlySpan<float> x, int rows, int n, double[] sum, CancellationToken cancellation = default)
    {
        if (rows == 0)
            return;
        var tiles = (n + Tile - 1) / Tile;
        var next = 0;
        fixed (float* xp = x)
        {
            var address = (nint)xp;
            Parallel.For(0, Math.Min(Environment.ProcessorCount, tiles), _ =>
            {
                var scratch = Scratch((long)Math.Min(Tile, n) * n);
                int claimed;
                while ((claimed = Interlocked.Increment(ref next) - 1) < tiles && !cancellation.IsCancellationRequested)
                    TileRow((float*)address, rows, n, tiles - 1 - claimed, scratch, sum, cancellation);
            });
        }
        cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>The calling thread's tile buffer, kept between updates: a new one per update and worker (3.5 MB at
    /// n = 4608, 280 updates per calibrated step of DiT-XL/2) left the garbage collector hundreds of megabytes a step
    /// that it let pile up on the large-object heap.</summary>
    [ThreadStatic]
    private static float[]? scratchOfThread;

    private static float[] Scratch(long length)
    {
        if (scratchOfThread is null || scratchOfThread.LongLength < length)
            scratchOfThread = new float[length];
        return scratchOfThread;
    }

    /// <summary>S[t·T + i, 0..t·T + i] += Σ over all rows of X[r, t·T + i]·X[r, j], a row block at a time.</summary>
    private static void TileRow(float* x, int rows, int n, int tile, float[] scratch, double[] sum, CancellationToken cancellation)
    {
        var i0 = tile * Tile;
        var m = Math.Min(Tile, n - i0);
        var width = i0 + m;
        fixed (float* c = scratch)
        {
            for (var r0 = 0; r0 < rows && !cancellation.IsCancellationRequested; r0 += RowBlock)
            {
                var length = Math.Min(RowBlock, rows - r0);
                var block = x + (long)r0 * n;
                // C[i, j] = Σₖ X[k, i0 + i]·X[k, j]: A = X[:, tile]ᵀ (row stride 1, column stride n), B = X[:, 0..width).
                var problem = new GemmProblem(m, width, length, 1f, new MatrixView(block + i0, 1, n), MatrixView.RowMajor(block, n, false), c, width, null);
                Sgemm.MultiplyRange(problem, Sgemm.Default, 0, m, 0, width);
                for (var i = 0; i < m; i++) AddRow(scratch, i, width, i0, n, sum);
            }
        }
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
