using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>Vectors computed by hand from the formulas of docs/quantization.md, chosen so that every scale is exact in binary.</summary>
public sealed class HandVectorTests
{
    [Fact]
    public void Asymmetric_max_grid_rounds_half_to_even()
    {
        // min −1, max 2.75: s = 3.75/15 = 0.25, z = round(4) = 4; x/s = −4, 0.5, 1.5, 11, 2.5 → −4, 0, 2, 11, 2
        float[] x = [-1f, 0.125f, 0.375f, 2.75f, 0.625f];
        var codes = ActivationQuantizer.Quantize(x, 1, 5, new ActivationQuant(4, Granularity.PerToken, 0, false, false), null, "l");
        Assert.Equal(new UniformGrid(0.25f, 4f, 0f, 15f), codes.Grids[0]);
        Assert.Equal([0, 4, 6, 15, 6], codes.Codes);
        Assert.Equal([-1f, 0f, 0.5f, 2.75f, 0.5f], codes.Dequantize());
    }

    [Fact]
    public void Symmetric_max_grid()
    {
        // M = 3.5, s = 3.5/7 = 0.5; x/s = −7, 0.5, 1.5, 2.5 → −7, 0, 2, 2
        float[] w = [-3.5f, 0.25f, 0.75f, 1.25f];
        var q = WeightQuantizer.Quantize(w, 1, 4, new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), null, "l");
        Assert.Equal([-7, 0, 2, 2], q.Uniform!.Codes);
        Assert.Equal([-3.5f, 0f, 1f, 1f], q.Dequantized);
        Assert.Equal(-8f, q.Uniform.Grids[0].Code(-100f));
        Assert.Equal(7f, q.Uniform.Grids[0].Code(100f));
    }

    [Fact]
    public void Positive_row_clamps_zero_and_clips_top()
    {
        // min 1, max 4.75: s = 0.25, z = clamp(round(−4), 0, 15) = 0, so 4.75/s = 19 clips to 15 (0 is not forced into the range)
        float[] w = [1f, 2.5f, 4.75f, 1f];
        var q = WeightQuantizer.Quantize(w, 1, 4, new WeightQuant(4, Granularity.PerChannel, 0, false, WeightMethod.Rtn), null, "l");
        Assert.Equal([1f, 2.5f, 3.75f, 1f], q.Dequantized);
        Assert.Equal(0f, q.Uniform!.Grids[0].Zero);
    }

    [Fact]
    public void Clip_ratio_shrinks_the_range()
    {
        // sym 3-bit, absmax 4 · 0.875 = 3.5, s = 3.5/3
        var grid = UniformGrid.QDit(-4f, 1f, 3, true, 0.875f);
        Assert.Equal(3.5f / 3f, grid.Scale);
        Assert.Equal(3.5f, grid.FakeQuantize(-4f) * -1f, 5);
        // asym 2-bit: [−1, 2]·0.5 = [−0.5, 1], s = 1.5/3 = 0.5, z = 1
        Assert.Equal(new UniformGrid(0.5f, 1f, 0f, 3f), UniformGrid.QDit(-1f, 2f, 2, false, 0.5f));
    }

    [Fact]
    public void Constant_group_uses_range_floor()
    {
        var grid = UniformGrid.QDit(0.3f, 0.3f, 8, false);
        Assert.Equal(1e-5f / 255f, grid.Scale);
        Assert.Equal(0f, grid.Zero); // −0.3/s is far below 0
    }

    [Fact]
    public void Group_wise_weights_have_one_grid_per_row_and_group()
    {
        // two rows, groups of 2: [[−1, 3 | 0, 1.5], [2, 2.5 | −6, 6]] symmetric 3-bit (qmax 3)
        float[] w = [-1f, 3f, 0f, 1.5f, 2f, 2.5f, -6f, 6f];
        var q = WeightQuantizer.Quantize(w, 2, 4, new WeightQuant(3, Granularity.Group, 2, true, WeightMethod.Rtn), null, "l");
        Assert.Equal([1f, 0.5f, 2.5f / 3f, 2f], Array.ConvertAll(q.Uniform!.Grids, g => g.Scale));
        Assert.Equal([-1f, 3f, 0f, 1.5f, 2.5f / 3f * 2f, 2.5f / 3f * 3f, -6f, 6f], q.Dequantized);
    }

    [Fact]
    public void Uaq_picks_the_clip_factor_with_least_error()
    {
        // f = 1: step 1.1, Σ|e|^2.4 ≈ 0.106; f = 0.9: step 0.99, only 3.3 clips, Σ ≈ 0.070; f = 0.8: Σ ≈ 0.53
        float[] w = [0f, 1f, 2f, 3f, 0f, 1f, 2f, 3.3f];
        var q = WeightQuantizer.Quantize(w, 1, 8, new WeightQuant(2, Granularity.PerChannel, 0, false, WeightMethod.Uaq), null, "l");
        Assert.Equal(3.3f * 0.9f / 3f, q.Uniform!.Grids[0].Scale);
        Assert.Equal(0f, q.Uniform.Grids[0].Zero);
        Assert.Equal(3.3f * 0.9f / 3f * 3f, q.Dequantized[7]);
    }

    [Fact]
    public void Kmeans_by_hand()
    {
        // k = 2, init at ranks 1 and 3 (0.1, 1.1), one update gives the means 0.05 and 1.05
        var indices = new byte[4];
        var book = KMeans1D.Cluster([1f, 0f, 1.1f, 0.1f], 1, indices);
        Assert.Equal([(float)((0.0 + 0.1f) / 2), (float)((1.0 + 1.1f) / 2)], book);
        Assert.Equal([(byte)1, 0, 1, 0], indices);
        // fewer values than 2^b: each value is its own centroid
        Assert.Equal([-2f, 5f], KMeans1D.Cluster([5f, -2f], 3, new byte[2]));
    }

    [Fact]
    public void Static_ema_by_hand()
    {
        var range = new StaticRange();
        range.Observe([-1f, 3f], "l");
        range.Observe([-2f, 1f, 0f], "l");
        Assert.Equal(0.9f * -1f + 0.1f * -2f, range.Min);
        Assert.Equal(0.9f * 3f + 0.1f * 1f, range.Max);
        Assert.Equal(2, range.Batches);
    }

    [Theory]
    [InlineData(WeightMethod.Rtn, Granularity.Group, 16, false, 4, 512 / 2 + 32 * 2 * 2)]
    [InlineData(WeightMethod.Rtn, Granularity.PerChannel, 0, true, 4, 256 + 8 * 2)]
    [InlineData(WeightMethod.Mse, Granularity.PerTensor, 0, false, 3, 192 + 2 * 2)]
    [InlineData(WeightMethod.Uaq, Granularity.PerChannel, 0, false, 3, 192 + 8 * 2 * 2)]
    [InlineData(WeightMethod.KMeansC, Granularity.PerChannel, 0, false, 3, 192 + 8 * 8 * 2)]
    [InlineData(WeightMethod.KMeansA, Granularity.PerTensor, 0, false, 3, 192 + 8 * 2)]
    [InlineData(WeightMethod.Rtn, Granularity.PerChannel, 0, false, 3, 192 + 8 * 2 * 2)]
    public void Storage_accounting_follows_part_q2(WeightMethod method, Granularity granularity, int group, bool symmetric, int bits, long bytes)
    {
        var q = WeightQuantizer.Quantize(ReferenceData.F32("w"), 8, 64, new WeightQuant(bits, granularity, group, symmetric, method), null, "l");
        Assert.Equal(bytes, q.Report.QuantizedBytes);
        Assert.Equal(bytes * 8.0 / 512, q.Report.AverageBits);
        Assert.Equal(method, q.Report.Method);
    }

    [Fact]
    public void Smoothquant_factors_of_the_documented_example()
    {
        float[] w = [1f, -2f, 0.5f, 1f];
        var s = SmoothingScales.Compute([4f, 1f], w, 2, 2, 0.5, SmoothingScales.SmoothQuantEpsilon, "l");
        Assert.Equal(2f, s[0]);
        Assert.Equal(0.70710678f, s[1], 7);
        float[] a = [2f, 1f];
        SmoothFolding.DivideColumns(a, 1, 2, s);
        Assert.Equal(1.41421356f, a[1], 6);
        SmoothFolding.ScaleColumns(w, 2, 2, s);
        Assert.Equal(0f, a[0] * w[0] + a[1] * w[1], 6);
        Assert.Equal([0.5f, 1.41421356f], SmoothFolding.Reciprocal(s), new FloatTolerance(1e-6f));
        // closed forms: α = 0 gives 1/w, α = 1 gives a
        Assert.Equal([1f, 0.5f], SmoothingScales.Compute([4f, 1f], [1f, -2f, 0.5f, 1f], 2, 2, 0, 1e-5f, "l"));
        Assert.Equal([4f, 1f], SmoothingScales.Compute([4f, 1f], [1f, -2f, 0.5f, 1f], 2, 2, 1, 1e-5f, "l"));
    }

    [Fact]
    public void Temporal_maxima_aggregate_over_steps_with_floor()
    {
        var t = new TemporalChannelMax(3);
        t.Observe(999, [1f, -5f, 0f, -2f, 1f, 0f], 2, "l");
        t.Observe(979, [3f, 0f, 0f], 1, "l");
        Assert.Equal([3f, 5f, 1e-4f], t.Aggregate("l"));
        Assert.Equal([2f, 5f, 1e-4f], t.Aggregate("l", [999]));
        Assert.Equal([979, 999], t.Steps);
    }

    [Fact]
    public void Upper_cholesky_of_inverse_satisfies_definition()
    {
        const int n = 37;
        var a = new float[n * n];
        Randomness.PhiloxRandom.FillNormal(a, 3);
        var h = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++) h[i * n + j] += a[i * n + k] * (double)a[j * n + k];
            }
            h[i * n + i] += 1;
        }
        var u = CholeskyInverse.UpperOfInverseInPlace((double[])h.Clone(), n)!;
        // (UᵀU)·H = I and U is upper triangular with a positive diagonal
        for (var i = 0; i < n; i++)
        {
            Assert.True(u[i * n + i] > 0);
            for (var j = 0; j < i; j++) Assert.Equal(0.0, u[i * n + j]);
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++)
                {
                    double inv = 0;
                    for (var m = 0; m < n; m++) inv += u[m * n + i] * u[m * n + k];
                    sum += inv * h[k * n + j];
                }
                Assert.Equal(i == j ? 1.0 : 0.0, sum, 9);
            }
        }
        Assert.Null(CholeskyInverse.UpperOfInverseInPlace([1.0, 2, 2, 1], 2));
    }

    private sealed class FloatTolerance(float tolerance) : System.Collections.Generic.IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
