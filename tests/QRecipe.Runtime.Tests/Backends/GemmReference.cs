using System;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// Float64 GEMM reference and the error bound the float32 kernels must meet. The bound is the classic worst case for
/// a length-K float32 dot product (each of the K products and K additions rounds once, unit roundoff u = 2^-24):
/// |c − c64| ≤ (K + 2)·u·(Σ_k |a_ik·b_kj| + |bias_j|) + |c64|·u for the alpha scaling. A wrong index, a lost K block or a stale
/// tile errs by O(Σ|a·b|), far above it.
/// </summary>
internal static class GemmReference
{
    private const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>a is [M, K] (or [K, M] when transposeA), b is [K, N] (or [N, K]); returns (C, error bounds), both [M, N].</summary>
    public static (double[] C, double[] Bound) Multiply(float[] a, float[] b, float[]? bias, int m, int n, int k, bool transposeA, bool transposeB, double alpha)
    {
        var c = new double[m * n];
        var bound = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (var p = 0; p < k; p++)
                {
                    double x = transposeA ? a[p * m + i] : a[i * k + p];
                    double y = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }

                var biasValue = bias is null ? 0 : bias[j];
                c[i * n + j] = alpha * sum + biasValue;
                bound[i * n + j] = (k + 2) * UnitRoundoff * (Math.Abs(alpha) * magnitude + Math.Abs(biasValue)) + Math.Abs(c[i * n + j]) * UnitRoundoff + 1e-30;
            }
        }

        return (c, bound);
    }

    public static void AssertWithin(double[] expected, double[] bound, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= bound[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (error {error:E2} > bound {bound[i]:E2})");
        }
    }
}
