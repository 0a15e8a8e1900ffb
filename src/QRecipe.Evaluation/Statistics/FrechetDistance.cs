using System;

namespace QRecipe.Evaluation.Statistics;

/// <summary>The Fréchet distance between two Gaussians, the quantity FID reports:
/// ‖μ₁ − μ₂‖² + Tr(Σ₁) + Tr(Σ₂) − 2·Tr((Σ₁Σ₂)^½).
/// Σ₁Σ₂ is not symmetric, but it is similar to Σ₁^½ Σ₂ Σ₁^½, which is symmetric positive semi-definite, so the trace of
/// its square root is the sum of the square roots of that matrix's eigenvalues (docs/evaluation.md). Everything is
/// float64; tiny negative eigenvalues from rounding are taken as zero.</summary>
public static class FrechetDistance
{
    public static double Between(GaussianStatistics a, GaussianStatistics b)
    {
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"the feature sizes differ: {a.Dimension} and {b.Dimension}");
        int n = a.Dimension;
        foreach (var (stats, name) in new[] { (a, "first"), (b, "second") })
        {
            if (!AllFinite(stats.Mean) || !AllFinite(stats.Covariance))
                throw new ArithmeticException($"the {name} statistics have a non-finite mean or covariance");
        }
        double meanTerm = 0;
        for (int i = 0; i < n; i++)
        {
            double d = a.Mean[i] - b.Mean[i];
            meanTerm += d * d;
        }
        double traceA = 0, traceB = 0;
        for (int i = 0; i < n; i++)
        {
            traceA += a.Covariance[i * n + i];
            traceB += b.Covariance[i * n + i];
        }
        var rootA = SquareRoot(a.Covariance, n);
        var product = Multiply(Multiply(rootA, b.Covariance, n), rootA, n);
        Symmetrize(product, n);
        var eigen = new SymmetricEigen(product, n);
        double traceRoot = 0;
        foreach (var value in eigen.Values)
            traceRoot += Math.Sqrt(Math.Max(value, 0));
        return meanTerm + traceA + traceB - 2 * traceRoot;
    }

    /// <summary>The symmetric square root V·diag(√λ)·Vᵀ of a symmetric positive semi-definite matrix.</summary>
    public static double[] SquareRoot(double[] matrix, int n)
    {
        var eigen = new SymmetricEigen(matrix, n);
        var v = eigen.Vectors;
        var root = new double[n * n];
        var scaled = new double[n];
        for (int k = 0; k < n; k++)
            scaled[k] = Math.Sqrt(Math.Max(eigen.Values[k], 0));
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                    sum += v[i * n + k] * scaled[k] * v[j * n + k];
                root[i * n + j] = sum;
                root[j * n + i] = sum;
            }
        }
        return root;
    }

    private static double[] Multiply(double[] x, double[] y, int n)
    {
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var row = result.AsSpan(i * n, n);
            for (int k = 0; k < n; k++)
            {
                double xik = x[i * n + k];
                var yRow = y.AsSpan(k * n, n);
                for (int j = 0; j < n; j++)
                    row[j] += xik * yRow[j];
            }
        }
        return result;
    }

    private static void Symmetrize(double[] m, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double mean = 0.5 * (m[i * n + j] + m[j * n + i]);
                m[i * n + j] = mean;
                m[j * n + i] = mean;
            }
        }
    }

    private static bool AllFinite(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
                return false;
        }
        return true;
    }
}
