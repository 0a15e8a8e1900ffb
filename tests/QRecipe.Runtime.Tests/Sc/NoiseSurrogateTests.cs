using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc.Surrogate;

namespace QRecipe.Runtime.Tests.Sc;

public class NoiseSurrogateTests
{
    private const int N = 128, M = 256, D = 64, L = 64;
    private static readonly NoiseModel Noise = new(0.15, 0.6);
    private static readonly NoiseModel Exact = new(0, 0);

    private static float[] Normal(int count, ulong seed, float offset = 0)
    {
        var values = new float[count];
        PhiloxRandom.FillNormal(values, seed, 0, offset);
        return values;
    }

    [Fact]
    public void Sigma_TV28()
    {
        Assert.Equal(0.205396, ScNoiseSurrogate.Sigma(1152, 64, 0.15, 2, 0.5), 1e-6);
        Assert.Equal(0.410792, ScNoiseSurrogate.Sigma(1152, 64, 0.60, 2, 0.5), 1e-6);
    }

    [Fact]
    public void Zero_coefficient_is_the_plain_product_and_pruned_is_zero()
    {
        var a = Normal(N * D, 1);
        var b = Normal(M * D, 2);
        var plain = ScNoiseSurrogate.Multiply(a, N, b, M, D, L, Exact, perRow: true, ScMode.Bipolar, 9);
        for (var i = 0; i < N; i += 17)
        {
            for (var j = 0; j < M; j += 13)
            {
                var reference = Enumerable.Range(0, D).Sum(k => (double)a[i * D + k] * b[j * D + k]);
                Assert.Equal(reference, plain[i * M + j], 1e-4);
            }
        }

        Assert.All(ScNoiseSurrogate.Multiply(a, N, b, M, D, 0, Noise, perRow: true, ScMode.Bipolar, 9), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(true, ScMode.Bipolar)]
    [InlineData(false, ScMode.Bipolar)]
    [InlineData(true, ScMode.Unipolar)]
    public void Empirical_variance_matches_sigma_squared(bool perRow, ScMode mode)
    {
        var offset = mode == ScMode.Unipolar ? 4f : 0f; // unipolar σ² needs a non-negative product
        var a = Normal(N * D, 3, offset);
        var b = Normal(M * D, 4, offset);
        var plain = ScNoiseSurrogate.Multiply(a, N, b, M, D, L, Exact, perRow, mode, 1);
        var noisy = ScNoiseSurrogate.Multiply(a, N, b, M, D, L, Noise, perRow, mode, 1);
        Assert.Equal(noisy, ScNoiseSurrogate.Multiply(a, N, b, M, D, L, Noise, perRow, mode, 1));
        Assert.NotEqual(noisy, ScNoiseSurrogate.Multiply(a, N, b, M, D, L, Noise, perRow, mode, 2));

        var c = perRow ? Noise.Local : Noise.Global;
        var rowMax = Enumerable.Range(0, N).Select(i => a.Skip(i * D).Take(D).Max(Math.Abs)).ToArray();
        var colMax = Enumerable.Range(0, M).Select(j => b.Skip(j * D).Take(D).Max(Math.Abs)).ToArray();
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < M; j++)
            {
                double aScale = perRow ? rowMax[i] : rowMax.Max(), bScale = perRow ? colMax[j] : colMax.Max();
                var sigma = mode == ScMode.Bipolar
                    ? ScNoiseSurrogate.Sigma(D, L, c, aScale, bScale)
                    : Math.Sqrt(plain[i * M + j] * aScale * bScale / ((double)L * L) * c);
                var z = (noisy[i * M + j] - (double)plain[i * M + j]) / sigma;
                sum += z;
                sumSquares += z * z;
            }
        }

        // 32768 standardized residuals: mean standard error 0.0055, variance standard error sqrt(2/n) = 0.0078;
        // 5 standard errors, plus fp32 rounding of the outputs (|out| ≪ 2^10, σ ≳ 0.05).
        var count = (double)N * M;
        Assert.InRange(sum / count, -0.03, 0.03);
        Assert.InRange(sumSquares / count, 1 - 0.04, 1 + 0.04);
    }

    [Theory]
    [InlineData(true, ScMode.Bipolar, 128)]
    [InlineData(false, ScMode.Bipolar, 77)]
    [InlineData(true, ScMode.Unipolar, 77)]
    public void Noise_is_sigma_times_the_filled_normals_and_prepared_scales_give_the_same_result(bool perRow, ScMode mode, int m)
    {
        var offset = mode == ScMode.Unipolar ? 4f : 0f;
        var a = Normal(N * D, 7, offset);
        var b = Normal(m * D, 8, offset);
        var plain = ScNoiseSurrogate.Multiply(a, N, b, m, D, L, Exact, perRow, mode, 5, 11);
        var noisy = ScNoiseSurrogate.Multiply(a, N, b, m, D, L, Noise, perRow, mode, 5, 11);
        var normals = new float[N * m];
        SurrogateNormals.At(5, 11, 0, normals);
        var c = perRow ? Noise.Local : Noise.Global;
        var rowMax = Enumerable.Range(0, N).Select(i => a.Skip(i * D).Take(D).Max(Math.Abs)).ToArray();
        var colMax = Enumerable.Range(0, m).Select(j => b.Skip(j * D).Take(D).Max(Math.Abs)).ToArray();
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < m; j++)
            {
                // The documented float32 arithmetic: the row factor rounded once, times b's scale, one fused update.
                var rowFactor = (float)((mode == ScMode.Bipolar ? Math.Sqrt(D * c) / L : c / ((double)L * L)) * (perRow ? rowMax[i] : rowMax.Max()));
                var scale = rowFactor * (perRow ? colMax[j] : colMax.Max());
                var index = i * m + j;
                var sigma = mode == ScMode.Bipolar ? scale : MathF.Sqrt(MathF.Max(0, plain[index] * scale));
                Assert.Equal(MathF.FusedMultiplyAdd(sigma, normals[index], plain[index]), noisy[index]);
            }
        }

        var prepared = ScNoiseSurrogate.Multiply(a, N, b, ScNoiseSurrogate.RowScales(b, m, D), m, D, L, Noise, perRow, mode, 5, 11);
        Assert.Equal(noisy, prepared);
        var into = Enumerable.Repeat(7f, N * m).ToArray();
        ScNoiseSurrogate.MultiplyInto(a, N, b, ScNoiseSurrogate.RowScales(b, m, D), m, D, L, Noise, perRow, mode, 5, into, 11);
        Assert.Equal(noisy, into);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_operands_are_rejected_with_their_index(float bad)
    {
        var a = Normal(4 * D, 1);
        var b = Normal(8 * D, 2);
        var scales = ScNoiseSurrogate.RowScales(b, 8, D);
        b[3 * D + 5] = bad;
        var whole = Assert.Throws<ArgumentException>(() => ScNoiseSurrogate.Multiply(a, 4, b, 8, D, L, Noise, perRow: true, ScMode.Bipolar, 1));
        Assert.Contains($"operand b has a non-finite value {bad} at flat index {3 * D + 5}", whole.Message);
        a[D] = bad;
        var prepared = Assert.Throws<ArgumentException>(() => ScNoiseSurrogate.Multiply(a, 4, b, scales, 8, D, L, Noise, perRow: false, ScMode.Bipolar, 1));
        Assert.Contains($"operand a has a non-finite value {bad} at flat index {D}", prepared.Message);
    }

    [Fact]
    public void Per_head_slices_use_their_own_scales()
    {
        var a = Normal(2 * 8 * D, 5);
        var b = Normal(2 * 16 * D, 6);
        for (var i = 8 * D; i < a.Length; i++)
            a[i] *= 100; // head 1 has a 100x larger scale
        var plain = ScNoiseSurrogate.MultiplyBatched(a, b, 2, 8, 16, D, L, Exact, ScMode.Bipolar, 3);
        var noisy = ScNoiseSurrogate.MultiplyBatched(a, b, 2, 8, 16, D, L, Noise, ScMode.Bipolar, 3);
        double Rms(int head) => Math.Sqrt(Enumerable.Range(head * 128, 128).Average(i => Math.Pow(noisy[i] - plain[i], 2)));
        Assert.InRange(Rms(1) / Rms(0), 50, 200);
    }
}
