using System;
using QRecipe.Runtime.Quantization.SecondOrder;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>GPTQ's U (upper, H⁻¹ = UᵀU) at sizes that span several 128-column blocks of the blocked factorisation and
/// inverse, and a last partial block: checked by the identity (UᵀU)·H = I in float64.</summary>
public sealed class CholeskyInverseTests
{
    [Theory]
    [InlineData(129)]
    [InlineData(300)]
    [InlineData(520)]
    public void The_upper_factor_of_the_inverse_inverts_the_hessian(int n)
    {
        // H = AAᵀ/n + I with a few channels 30× larger, as layer inputs with outliers make it.
        var random = new System.Random(n);
        var a = new double[n * n];
        for (var i = 0; i < a.Length; i++)
            a[i] = (random.NextDouble() * 2 - 1) * (i / n % 17 == 0 ? 30 : 1);
        var h = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++) sum += a[i * n + k] * a[j * n + k];
                h[i * n + j] = h[j * n + i] = sum / n + (i == j ? 1 : 0);
            }
        }

        var u = CholeskyInverse.UpperOfInverseInPlace((double[])h.Clone(), n)!;
        var inverse = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            Assert.True(u[i * n + i] > 0, $"U[{i},{i}] = {u[i * n + i]}");
            for (var j = 0; j < i; j++) Assert.Equal(0.0, u[i * n + j]);
            for (var m = 0; m <= i; m++)
            {
                var um = u[m * n + i];
                for (var k = m; k < n; k++) inverse[i * n + k] += um * u[m * n + k];
            }
        }
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < i; k++) inverse[i * n + k] = inverse[k * n + i];
        }

        var worst = 0.0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++) sum += inverse[i * n + k] * h[k * n + j];
                worst = Math.Max(worst, Math.Abs(sum - (i == j ? 1 : 0)));
            }
        }
        // κ(H) is about 10³ here; float64 factorisations leave residuals near κ·n·2⁻⁵³ ≈ 1e-10.
        Assert.True(worst < 1e-9, $"max |(UᵀU)·H − I| = {worst:E2}");
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_in_a_later_block_is_refused()
    {
        const int n = 200;
        var h = new double[n * n];
        for (var i = 0; i < n; i++) h[i * n + i] = 1;
        // Reversed inside: row 0 of H is the last row factored; make the 2×2 block at (0, 1) indefinite.
        h[0 * n + 1] = h[1 * n + 0] = 2;
        Assert.Null(CholeskyInverse.UpperOfInverseInPlace(h, n));
    }
}
