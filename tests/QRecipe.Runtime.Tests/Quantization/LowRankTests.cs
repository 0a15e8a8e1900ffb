using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Factorization;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Quantization;

public sealed class LowRankTests
{
    private static double Norm(float[] a, float[]? b = null)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += Math.Pow(a[i] - (b?[i] ?? 0f), 2);
        return Math.Sqrt(sum);
    }

    [Fact]
    public void Recovers_an_exactly_low_rank_matrix()
    {
        var a = new float[20 * 3];
        var b = new float[3 * 30];
        PhiloxRandom.FillNormal(a, 1);
        PhiloxRandom.FillNormal(b, 2);
        var e = TruncatedSvd.Product(a, b, 20, 30, 3);
        var (l, r) = TruncatedSvd.Factor(e, 20, 30, 3, TruncatedSvd.InitialBasis(3, 20, 30), 3);
        Assert.True(Norm(e, TruncatedSvd.Product(l, r, 20, 30, 3)) < 1e-5 * Norm(e));
    }

    /// <summary>Eckart–Young: the residual of the rank-4 factors equals torch's exact SVD residual to 1e-4 relative.</summary>
    [Fact]
    public void Truncation_reaches_the_optimal_residual()
    {
        var e = ReferenceData.F32("svd/e");
        var (l, r) = TruncatedSvd.Factor(e, 24, 40, 4, TruncatedSvd.InitialBasis(4, 24, 40), 30);
        var optimal = ReferenceData.F64("svd/residual4")[0];
        var residual = Norm(e, TruncatedSvd.Product(l, r, 24, 40, 4));
        Assert.True(residual >= optimal * (1 - 1e-5) && residual <= optimal * (1 + 1e-4), $"{residual} vs optimal {optimal}");
        // the balanced split √Σ on both sides: column norms of L equal row norms of R
        for (var k = 0; k < 4; k++)
        {
            double left = 0, right = 0;
            for (var o = 0; o < 24; o++) left += l[o * 4 + k] * (double)l[o * 4 + k];
            for (var c = 0; c < 40; c++) right += r[k * 40 + c] * (double)r[k * 40 + c];
            Assert.Equal(left, right, 3);
        }
    }

    /// <summary>Against the reference's alternation with exact SVDs (rank 6, 10 iterations, rtn int4 asym per-channel):
    /// the same objective value within 2% and far below RTN alone.</summary>
    [Fact]
    public void Compensation_matches_reference_objective()
    {
        var w = ReferenceData.F32("lowrank/w");
        var setting = new WeightQuant(4, Granularity.PerChannel, 0, false, WeightMethod.Rtn);
        var result = LowRankCompensation.Compensate(w, 32, 48, setting, new LowRank(6, LowRank.DefaultIterations), null, "l");
        var expected = ReferenceData.F64("lowrank/error")[0];
        Assert.True(Math.Abs(result.RelativeError - expected) <= 0.02 * expected, $"{result.RelativeError} vs {expected}");
        var rtn = WeightQuantizer.Quantize(w, 32, 48, setting, null, "l").Report.RelativeError;
        Assert.True(result.RelativeError < 0.9 * rtn, $"{result.RelativeError} vs rtn {rtn}");
        // The first iteration has no factors yet: its error is that of the layer's quantizer alone.
        Assert.Equal(rtn, result.UncompensatedRelativeError, 12);
        Assert.Equal(6, result.Factors.Rank);
        Assert.Equal(32 * 6, result.Factors.Left.Length);
        Assert.Equal(6 * 48, result.Factors.Right.Length);
    }

    [Fact]
    public void Alpha_search_accounts_for_the_low_rank_term()
    {
        var w = ReferenceData.F32("lowrank/w");
        var x = new float[16 * 48];
        PhiloxRandom.FillNormal(x, 9);
        var setting = new WeightQuant(3, Granularity.PerChannel, 0, false, WeightMethod.Rtn);
        var compensated = LowRankCompensation.Compensate(w, 32, 48, setting, new LowRank(8, 4), null, "l");
        var act = new ChannelAbsMax(48);
        act.Observe(x, 16, "l");
        var a8 = new ActivationQuant(8, Granularity.PerTensor, 0, false, false);
        var grid = new AlphaSearch(0, 1, 0.25);
        var q = compensated.Quantized.Dequantized;
        var with = DitasAlphaSearch.Search([x], w, q, 32, 48, act.Max, a8, grid, "l", compensated.Factors);
        var without = DitasAlphaSearch.Search([x], w, q, 32, 48, act.Max, a8, grid, "l");
        for (var k = 0; k < with.Losses.Length; k++) Assert.True(with.Losses[k] < without.Losses[k]);
    }

    [Fact]
    public void Bad_rank_and_iterations()
    {
        var w = new float[8 * 16];
        var setting = new WeightQuant(4, Granularity.PerChannel, 0, false, WeightMethod.Rtn);
        Assert.Contains("rank 9 outside [1, 8]", Assert.Throws<QuantizationException>(() => LowRankCompensation.Compensate(w, 8, 16, setting, new LowRank(9, 10), null, "blocks.0.mlp.fc2")).Message);
        Assert.Contains("iterations 0", Assert.Throws<QuantizationException>(() => LowRankCompensation.Compensate(w, 8, 16, setting, new LowRank(4, 0), null, "blocks.0.mlp.fc2")).Message);
    }
}
