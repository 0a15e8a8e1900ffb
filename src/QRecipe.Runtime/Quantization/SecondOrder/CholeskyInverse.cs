using System;
using System.Threading;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) that GPTQ needs (docs/quantization.md), without forming
/// H⁻¹: with P the reversal permutation and PHP = LLᵀ (lower Cholesky), H = VVᵀ for the upper V = PLP, so
/// H⁻¹ = (V⁻¹)ᵀV⁻¹ and U = V⁻¹ = P·L⁻¹·P. One factorisation and one triangular inverse, in float64.</summary>
internal static class CholeskyInverse
{
    /// <summary>Returns U row-major [n, n] (upper triangle; the rest is zero) in <paramref name="h"/>'s array, which it
    /// works in, or null when H is not positive definite (h is overwritten then too). H must be whole (both triangles):
    /// reversing the array gives PHP, whose lower triangle is factored in place. <paramref name="cancellation"/> is
    /// checked per block of <see cref="Block"/> columns, and <paramref name="report"/> hears <c>Hessian factor j/n</c>
    /// and <c>Hessian inverse j/n</c> at each block, always from the calling thread.</summary>
    public static double[]? UpperOfInverseInPlace(double[] h, int n, CancellationToken cancellation = default, Action<string>? report = null)
    {
        var l = h;
        l.AsSpan(0, checked(n * n)).Reverse(); // l[i, j] = h[n − 1 − i, n − 1 − j]
        if (!FactorInPlace(l, n, cancellation, report)) return null;

        // L⁻¹ transposed (row j = column j of L⁻¹), so that U's rows come out contiguous: U[a, b] = L⁻¹[n−1−a, n−1−b].
        // L is not needed after the inverse, so U is written over it (with H's array: one n² array in all beside the
        // inverse, 170 MB at n = 4608).
        var inverseT = InvertTransposed(l, n, cancellation, report);
        var u = l;
        Array.Clear(u);
        Parallel.For(0, n, j =>
        {
            var b = n - 1 - j;
            for (var i = j; i < n; i++) u[(long)(n - 1 - i) * n + b] = inverseT[(long)j * n + i];
        });
        return u;
    }

    /// <summary>Columns per block step: the diagonal block is factored (or inverted) column by column, everything
    /// else goes through <see cref="DotTiles"/>.</summary>
    private const int Block = 128;

    /// <summary>Lower Cholesky factor in place (lower triangle of <paramref name="a"/> in, L out), right-looking by
    /// blocks: factor the diagonal block, solve the panel below it, subtract the panel's product from the trailing
    /// lower triangle.</summary>
    private static bool FactorInPlace(double[] a, int n, CancellationToken cancellation, Action<string>? report)
    {
        for (var k0 = 0; k0 < n; k0 += Block)
        {
            cancellation.ThrowIfCancellationRequested();
            report?.Invoke($"Hessian factor {k0}/{n}");
            var k1 = Math.Min(n, k0 + Block);
            for (var j = k0; j < k1; j++)
            {
                var rowJ = new ReadOnlySpan<double>(a, j * n + k0, j - k0);
                var d = a[(long)j * n + j] - DenseMath.Dot(rowJ, rowJ);
                if (!(d > 0)) return false;
                var diagonal = Math.Sqrt(d);
                a[(long)j * n + j] = diagonal;
                for (var i = j + 1; i < k1; i++) Eliminate(a, n, i, j, k0, diagonal);
            }

            // The panel: rows below the block, each solved against the block's factor on its own.
            var first = k0;
            var end = k1;
            Parallel.For(k1, n, i =>
            {
                for (var j = first; j < end; j++) Eliminate(a, n, i, j, first, a[(long)j * n + j]);
            });
            // The trailing lower triangle: A[k1.., k1..] −= P·Pᵀ for the panel P = L[k1.., k0..k1).
            DotTiles.Subtract(a, n, k1 * n, a, n, k1 * n, a, n, k1 * n + k1, n - k1, n - k1, k0, k1, lowerOnly: true);
        }
        return true;
    }

    /// <summary>a[i, j] = (a[i, j] − Σ_{p ∈ [from, j)} a[i, p]·a[j, p]) / diagonal: the block's part of the sum (earlier
    /// blocks were subtracted already).</summary>
    private static void Eliminate(double[] a, int n, int i, int j, int from, double diagonal)
    {
        var dot = DenseMath.Dot(new ReadOnlySpan<double>(a, i * n + from, j - from), new ReadOnlySpan<double>(a, j * n + from, j - from));
        a[(long)i * n + j] = (a[(long)i * n + j] - dot) / diagonal;
    }

    /// <summary>Xᵀ for X = L⁻¹ (row j of the result is column j of X: zero before j), by block rows of X: for the rows
    /// I of one block, T = −Σ_{p before I} L[I, p]·X[p, j] for every earlier column j (through <see cref="DotTiles"/>,
    /// reading Xᵀ's rows), then each column is finished by forward substitution inside the block.</summary>
    private static double[] InvertTransposed(double[] l, int n, CancellationToken cancellation, Action<string>? report)
    {
        var xt = new double[(long)n * n];
        var t = new double[(long)Block * n];
        for (var i0 = 0; i0 < n; i0 += Block)
        {
            cancellation.ThrowIfCancellationRequested();
            report?.Invoke($"Hessian inverse {i0}/{n}");
            var i1 = Math.Min(n, i0 + Block);
            var rows = i1 - i0;
            Array.Clear(t);
            DotTiles.Subtract(l, n, i0 * n, xt, n, 0, t, n, 0, rows, i0, 0, i0, bZeroBefore: true);
            var first = i0;
            Parallel.For(0, i1, j =>
            {
                for (var i = Math.Max(first, j); i < i1; i++)
                {
                    var diagonal = l[(long)i * n + i];
                    if (i == j)
                    {
                        xt[(long)j * n + i] = 1.0 / diagonal;
                        continue;
                    }
                    var from = Math.Max(first, j);
                    var dot = DenseMath.Dot(new ReadOnlySpan<double>(l, i * n + from, i - from), new ReadOnlySpan<double>(xt, j * n + from, i - from));
                    var carried = j < first ? t[(long)(i - first) * n + j] : 0.0;
                    xt[(long)j * n + i] = (carried - dot) / diagonal;
                }
            });
        }
        return xt;
    }
}
