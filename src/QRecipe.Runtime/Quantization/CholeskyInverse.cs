using System;
using System.Threading;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization;

/// <summary>The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) that GPTQ needs (quant-methods.md §C.6), without forming
/// H⁻¹: with P the reversal permutation and PHP = LLᵀ (lower Cholesky), H = VVᵀ for the upper V = PLP, so
/// H⁻¹ = (V⁻¹)ᵀV⁻¹ and U = V⁻¹ = P·L⁻¹·P. One factorisation and one triangular inverse, in float64.</summary>
internal static class CholeskyInverse
{
    /// <summary>Returns U row-major [n, n] (upper triangle; the rest is zero), or null when H is not positive
    /// definite. <paramref name="cancellation"/> is checked per column (n = 4608 takes seconds).</summary>
    public static double[]? UpperOfInverse(ReadOnlySpan<double> h, int n, CancellationToken cancellation = default)
    {
        var l = new double[(long)n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++) l[(long)i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
        }
        if (!FactorInPlace(l, n, cancellation)) return null;

        // Column j of L⁻¹ by forward substitution; columns are independent.
        var u = new double[(long)n * n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, j =>
        {
            var m = new double[n];
            m[j] = 1.0 / l[(long)j * n + j];
            for (var i = j + 1; i < n; i++)
            {
                var row = new ReadOnlySpan<double>(l, i * n + j, i - j);
                m[i] = -GptqStatistics.Dot(row, new ReadOnlySpan<double>(m, j, i - j)) / l[(long)i * n + i];
            }
            // U[a, b] = L⁻¹[n−1−a, n−1−b]; column j of L⁻¹ is column b = n−1−j of U.
            var b = n - 1 - j;
            for (var i = j; i < n; i++) u[(long)(n - 1 - i) * n + b] = m[i];
        });
        return u;
    }

    /// <summary>Lower Cholesky factor in place (lower triangle of <paramref name="a"/> in, L out).</summary>
    private static bool FactorInPlace(double[] a, int n, CancellationToken cancellation)
    {
        for (var j = 0; j < n; j++)
        {
            cancellation.ThrowIfCancellationRequested();
            var rowJ = new ReadOnlySpan<double>(a, j * n, j);
            var d = a[(long)j * n + j] - GptqStatistics.Dot(rowJ, rowJ);
            if (!(d > 0)) return false;
            var diag = Math.Sqrt(d);
            a[(long)j * n + j] = diag;
            if (n - j - 1 < 64)
            {
                for (var i = j + 1; i < n; i++) Eliminate(a, n, i, j, diag);
            }
            else
            {
                var column = j;
                Parallel.For(j + 1, n, i => Eliminate(a, n, i, column, diag));
            }
        }
        return true;
    }

    private static void Eliminate(double[] a, int n, int i, int j, double diag)
    {
        var dot = GptqStatistics.Dot(new ReadOnlySpan<double>(a, i * n, j), new ReadOnlySpan<double>(a, j * n, j));
        a[(long)i * n + j] = (a[(long)i * n + j] - dot) / diag;
    }
}
