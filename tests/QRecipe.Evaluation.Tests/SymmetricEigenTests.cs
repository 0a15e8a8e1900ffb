using System;
using QRecipe.Evaluation.Statistics;

namespace QRecipe.Evaluation.Tests;

public sealed class SymmetricEigenTests
{
    [Fact]
    public void Second_difference_matrix_has_its_closed_form_eigenvalues()
    {
        // tridiag(-1, 2, -1) of size n has eigenvalues 2 - 2 cos(k pi / (n + 1)), k = 1..n.
        const int n = 40;
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            m[i * n + i] = 2;
            if (i > 0)
                m[i * n + i - 1] = m[(i - 1) * n + i] = -1;
        }
        var eigen = new SymmetricEigen(m, n);
        for (int k = 1; k <= n; k++)
            Assert.Equal(2 - 2 * Math.Cos(k * Math.PI / (n + 1)), eigen.Values[k - 1], 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(96)]
    public void Random_symmetric_matrix_is_reconstructed_from_orthonormal_eigenvectors(int n)
    {
        var random = new Random(n);
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
                m[i * n + j] = m[j * n + i] = random.NextDouble() * 2 - 1;
        }
        var eigen = new SymmetricEigen(m, n);
        var v = eigen.Vectors;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0, rebuilt = 0;
                for (int k = 0; k < n; k++)
                {
                    dot += v[k * n + i] * v[k * n + j];
                    rebuilt += v[i * n + k] * eigen.Values[k] * v[j * n + k];
                }
                Assert.Equal(i == j ? 1 : 0, dot, 10);
                Assert.Equal(m[i * n + j], rebuilt, 10);
            }
        }
        for (int k = 1; k < n; k++)
            Assert.True(eigen.Values[k - 1] <= eigen.Values[k]);
    }

    [Fact]
    public void Repeated_eigenvalues_of_a_rotated_diagonal_are_found()
    {
        // Q diag(3, 3, 1, 0) Q^T with a Householder Q: a matrix with a double eigenvalue and a zero one.
        double[] u = { 0.5, -0.5, 0.5, 0.5 };
        double[] d = { 3, 3, 1, 0 };
        const int n = 4;
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    double qik = (i == k ? 1 : 0) - 2 * u[i] * u[k];
                    double qjk = (j == k ? 1 : 0) - 2 * u[j] * u[k];
                    m[i * n + j] += qik * d[k] * qjk;
                }
            }
        }
        Assert.Equal(new[] { 0.0, 1, 3, 3 }, Array.ConvertAll(new SymmetricEigen(m, n).Values, x => Math.Round(x, 12)));
    }
}
