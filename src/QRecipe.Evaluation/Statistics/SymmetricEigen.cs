using System;

namespace QRecipe.Evaluation.Statistics;

/// <summary>Eigenvalues and eigenvectors of a real symmetric matrix in float64: Householder reduction to tridiagonal
/// form, then the implicit-shift QL iteration on the tridiagonal matrix (docs/evaluation.md). O(n³), a few seconds for
/// the 2048-wide covariances of Inception features, where cyclic Jacobi would take minutes.</summary>
public sealed class SymmetricEigen
{
    private const int MaxIterationsPerValue = 60;

    /// <summary>Eigenvalues in ascending order.</summary>
    public double[] Values { get; }

    /// <summary>Eigenvectors as columns, row-major n × n: column j belongs to <see cref="Values"/>[j].</summary>
    public double[] Vectors { get; }

    public int Size { get; }

    public SymmetricEigen(ReadOnlySpan<double> matrix, int n)
    {
        if (matrix.Length != (long)n * n)
            throw new ArgumentException($"a {n} x {n} matrix needs {(long)n * n} values, got {matrix.Length}");
        Size = n;
        Vectors = matrix.ToArray();
        Values = new double[n];
        var offDiagonal = new double[n];
        Tridiagonalize(Vectors, Values, offDiagonal, n);
        DiagonalizeTridiagonal(Vectors, Values, offDiagonal, n);
    }

    // Householder reduction: on return v holds the accumulated orthogonal transform, d the diagonal and e[1..] the
    // sub-diagonal of the tridiagonal matrix.
    private static void Tridiagonalize(double[] v, double[] d, double[] e, int n)
    {
        for (int j = 0; j < n; j++)
            d[j] = v[(n - 1) * n + j];
        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++)
                scale += Math.Abs(d[k]);
            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = f > 0 ? -Math.Sqrt(h) : Math.Sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++)
                    e[j] = 0;
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (int k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k * n + j] * d[k];
                        e[k] += v[k * n + j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++)
                    e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++)
                        v[k * n + j] -= f * e[k] + g * d[k];
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }
            d[i] = h;
        }

        // Accumulate the transformations.
        for (int i = 0; i < n - 1; i++)
        {
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            double h = d[i + 1];
            if (h != 0)
            {
                for (int k = 0; k <= i; k++)
                    d[k] = v[k * n + i + 1] / h;
                for (int j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (int k = 0; k <= i; k++)
                        g += v[k * n + i + 1] * v[k * n + j];
                    for (int k = 0; k <= i; k++)
                        v[k * n + j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++)
                v[k * n + i + 1] = 0;
        }
        for (int j = 0; j < n; j++)
        {
            d[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    // Implicit-shift QL on the tridiagonal (d, e), rotating the columns of v along; sorts the result ascending.
    private static void DiagonalizeTridiagonal(double[] v, double[] d, double[] e, int n)
    {
        for (int i = 1; i < n; i++)
            e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        double eps = Math.Pow(2, -52);
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n && Math.Abs(e[m]) > eps * tst1)
                m++;
            if (m > l)
            {
                int iterations = 0;
                do
                {
                    if (++iterations > MaxIterationsPerValue)
                        throw new ArithmeticException("the symmetric eigenvalue iteration did not converge (is the matrix finite?)");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Hypot(p, 1);
                    if (p < 0)
                        r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++)
                        d[i] -= h;
                    f += h;

                    p = d[m];
                    double c = 1, c2 = c, c3 = c, el1 = e[l + 1], s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; k < n; k++)
                        {
                            h = v[k * n + i + 1];
                            v[k * n + i + 1] = s * v[k * n + i] + c * h;
                            v[k * n + i] = c * v[k * n + i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }

        // Selection sort keeps the column swaps at n; n is at most a few thousand.
        for (int i = 0; i < n - 1; i++)
        {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++)
            {
                if (d[j] < p)
                {
                    k = j;
                    p = d[j];
                }
            }
            if (k == i)
                continue;
            d[k] = d[i];
            d[i] = p;
            for (int j = 0; j < n; j++)
                (v[j * n + i], v[j * n + k]) = (v[j * n + k], v[j * n + i]);
        }
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y)
            (x, y) = (y, x);
        if (x == 0)
            return 0;
        double t = y / x;
        return x * Math.Sqrt(1 + t * t);
    }
}
