using System;
using System.Threading.Tasks;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Quantization.Factorization;

/// <summary>Best rank-r factorisation E ≈ L·R with L = U_r·√Σ_r and R = √Σ_r·V_rᵀ (any truncated SVD
/// with the same top-r subspace gives the same L·R; docs/quantization.md). Subspace iteration on EᵀE over an orthonormal basis of
/// r + <see cref="Oversampling"/> rows, then Rayleigh–Ritz with a Jacobi eigensolver. The basis is kept by the caller
/// so that the alternating optimisation warm-starts each SVD from the previous subspace.</summary>
internal static class TruncatedSvd
{
    public const int Oversampling = 8;

    /// <summary>An orthonormal [width, n] starting basis from seeded normals.</summary>
    public static float[] InitialBasis(int rank, int m, int n)
    {
        var width = Math.Min(rank + Oversampling, Math.Min(m, n));
        var basis = new float[width * n];
        for (var k = 0; k < width; k++) PhiloxRandom.FillNormal(basis.AsSpan(k * n, n), 0x5eed, (ulong)k);
        Orthonormalize(basis, width, n, 0);
        return basis;
    }

    /// <summary>Refines <paramref name="basis"/> by <paramref name="iterations"/> steps and returns (L [m, r], R [r, n]).</summary>
    public static (float[] Left, float[] Right) Factor(float[] e, int m, int n, int rank, float[] basis, int iterations)
    {
        var width = basis.Length / n;
        for (var it = 0; it < iterations; it++)
        {
            var y = DenseMath.MultiplyTransposed(e, m, basis, width, n); // E·Bᵀ [m, width]
            TransposedTimes(y, e, m, n, width, basis);                   // Bᵀ ← Eᵀ·Y, as rows
            Orthonormalize(basis, width, n, it + 1);
        }
        var ym = DenseMath.MultiplyTransposed(e, m, basis, width, n);
        var gram = new double[width * width];
        for (var a = 0; a < width; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                double sum = 0;
                for (var o = 0; o < m; o++) sum += (double)ym[o * width + a] * ym[o * width + b];
                gram[a * width + b] = gram[b * width + a] = sum;
            }
        }
        var (values, vectors) = JacobiEigen(gram, width);
        var order = new int[width];
        for (var k = 0; k < width; k++) order[k] = k;
        Array.Sort(order, (a, b) => values[b].CompareTo(values[a]));

        var left = new float[m * rank];
        var right = new float[rank * n];
        for (var k = 0; k < rank; k++)
        {
            var p = order[k];
            var sigma = Math.Sqrt(Math.Max(values[p], 0));
            if (sigma == 0) continue;
            var root = Math.Sqrt(sigma);
            for (var o = 0; o < m; o++)
            {
                double sum = 0;
                for (var j = 0; j < width; j++) sum += ym[o * width + j] * vectors[j * width + p];
                left[o * rank + k] = (float)(sum / root);
            }
            for (var c = 0; c < n; c++)
            {
                double sum = 0;
                for (var j = 0; j < width; j++) sum += basis[j * n + c] * vectors[j * width + p];
                right[k * n + c] = (float)(sum * root);
            }
        }
        return (left, right);
    }

    /// <summary>L·R, [m, n].</summary>
    public static float[] Product(float[] left, float[] right, int m, int n, int rank)
    {
        var product = new float[m * n];
        Parallel.For(0, m, o =>
        {
            var row = product.AsSpan(o * n, n);
            for (var k = 0; k < rank; k++)
            {
                var f = left[o * rank + k];
                var r = right.AsSpan(k * n, n);
                for (var c = 0; c < n; c++) row[c] += f * r[c];
            }
        });
        return product;
    }

    /// <summary>rows[k, :] = Σ_o y[o, k]·e[o, :].</summary>
    private static void TransposedTimes(float[] y, float[] e, int m, int n, int width, float[] rows)
    {
        Parallel.For(0, width, k =>
        {
            var acc = new double[n];
            for (var o = 0; o < m; o++)
            {
                double f = y[o * width + k];
                var er = e.AsSpan(o * n, n);
                for (var c = 0; c < n; c++) acc[c] += f * er[c];
            }
            for (var c = 0; c < n; c++) rows[k * n + c] = (float)acc[c];
        });
    }

    /// <summary>Modified Gram–Schmidt on rows in float64, twice for stability; a row that vanishes (E of lower rank)
    /// is replaced by a seeded normal row so the basis keeps its width.</summary>
    private static void Orthonormalize(float[] rows, int width, int n, int salt)
    {
        var q = new double[width * n];
        for (var i = 0; i < q.Length; i++) q[i] = rows[i];
        for (var k = 0; k < width; k++)
        {
            var row = q.AsSpan(k * n, n);
            var original = Math.Sqrt(Dot(row, row));
            for (var pass = 0; pass < 2; pass++)
            {
                for (var j = 0; j < k; j++)
                {
                    var prev = q.AsSpan(j * n, n);
                    var d = Dot(row, prev);
                    for (var c = 0; c < n; c++) row[c] -= d * prev[c];
                }
            }
            var norm = Math.Sqrt(Dot(row, row));
            if (!(norm > 1e-10 * Math.Max(original, 1e-30)))
            {
                var fresh = new float[n];
                PhiloxRandom.FillNormal(fresh, 0x5eed, (ulong)(salt * width + k + 1000));
                for (var c = 0; c < n; c++) row[c] = fresh[c];
                k--; // orthogonalise the fresh row again
                continue;
            }
            for (var c = 0; c < n; c++) row[c] /= norm;
        }
        for (var i = 0; i < q.Length; i++) rows[i] = (float)q[i];
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => DenseMath.Dot(a, b);

    /// <summary>Cyclic Jacobi eigen-decomposition of a small symmetric matrix: eigenvalues and the eigenvectors as the
    /// columns of a row-major [n, n] matrix.</summary>
    private static (double[] Values, double[] Vectors) JacobiEigen(double[] a, int n)
    {
        var v = new double[n * n];
        for (var i = 0; i < n; i++) v[i * n + i] = 1;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, total = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    total += a[i * n + j] * a[i * n + j];
                    if (i != j) off += a[i * n + j] * a[i * n + j];
                }
            }
            if (off <= 1e-30 * total) break;
            for (var p = 0; p < n - 1; p++)
            {
                for (var r = p + 1; r < n; r++)
                {
                    var apr = a[p * n + r];
                    if (apr == 0) continue;
                    var theta = (a[r * n + r] - a[p * n + p]) / (2 * apr);
                    var t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k * n + p];
                        var akr = a[k * n + r];
                        a[k * n + p] = c * akp - s * akr;
                        a[k * n + r] = s * akp + c * akr;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p * n + k];
                        var ark = a[r * n + k];
                        a[p * n + k] = c * apk - s * ark;
                        a[r * n + k] = s * apk + c * ark;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k * n + p];
                        var vkr = v[k * n + r];
                        v[k * n + p] = c * vkp - s * vkr;
                        v[k * n + r] = s * vkp + c * vkr;
                    }
                }
            }
        }
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = a[i * n + i];
        return (values, v);
    }
}
