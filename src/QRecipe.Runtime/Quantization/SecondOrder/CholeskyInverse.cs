using System;
using System.Threading;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) that GPTQ needs (docs/quantization.md), without forming
/// H⁻¹: with P the reversal permutation and PHP = LLᵀ (lower Cholesky), H = VVᵀ for the upper V = PLP, so
/// H⁻¹ = (V⁻¹)ᵀV⁻¹ and U = V⁻¹ = P·L⁻¹·P. One factorisation and one triangular inverse, in float64.</summary>
internal static class CholeskyInverse
{
    /// <summary>Returns U row-major [n, n] (upper triangle; the rest is zero), or null when H is not positive
    /// definite. n = 4608 takes minutes on a small CPU: <paramref name="cancellation"/> is checked per column, and
    /// <paramref name="report"/> hears <c>Hessian factor j/n</c> and <c>Hessian inverse j/n</c> every
    /// <see cref="ReportEvery"/> columns, always from the calling thread.</summary>
    public static double[]? UpperOfInverse(ReadOnlySpan<double> h, int n, CancellationToken cancellation = default, Action<string>? report = null)
    {
        var l = new double[(long)n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++) l[(long)i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
        }
        if (!FactorInPlace(l, n, cancellation, report)) return null;

        // Column j of L⁻¹ by forward substitution; columns are independent, done in parallel a chunk at a time so
        // progress comes from this thread.
        var u = new double[(long)n * n];
        var options = new ParallelOptions { CancellationToken = cancellation };
        for (var first = 0; first < n; first += ReportEvery)
        {
            report?.Invoke($"Hessian inverse {first}/{n}");
            Parallel.For(first, Math.Min(first + ReportEvery, n), options, j =>
            {
                var m = new double[n];
                m[j] = 1.0 / l[(long)j * n + j];
                for (var i = j + 1; i < n; i++)
                {
                    var row = new ReadOnlySpan<double>(l, i * n + j, i - j);
                    m[i] = -DenseMath.Dot(row, new ReadOnlySpan<double>(m, j, i - j)) / l[(long)i * n + i];
                }
                // U[a, b] = L⁻¹[n−1−a, n−1−b]; column j of L⁻¹ is column b = n−1−j of U.
                var b = n - 1 - j;
                for (var i = j; i < n; i++) u[(long)(n - 1 - i) * n + b] = m[i];
            });
        }
        return u;
    }

    private const int ReportEvery = 64;

    /// <summary>Lower Cholesky factor in place (lower triangle of <paramref name="a"/> in, L out).</summary>

    private static bool FactorInPlace(double[] a, int n, CancellationToken cancellation, Action<string>? report)
    {
        for (var j = 0; j < n; j++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (j % ReportEvery == 0)
                report?.Invoke($"Hessian factor {j}/{n}");
            var rowJ = new ReadOnlySpan<double>(a, j * n, j);
            var d = a[(long)j * n + j] - DenseMath.Dot(rowJ, rowJ);
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
        var dot = DenseMath.Dot(new ReadOnlySpan<double>(a, i * n, j), new ReadOnlySpan<double>(a, j * n, j));
        a[(long)i * n + j] = (a[(long)i * n + j] - dot) / diag;
    }
}
