using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Evaluation.Fidelity;
using QRecipe.Evaluation.Statistics;
using QRecipe.Runtime.IO;

namespace QRecipe.Evaluation.Tests;

/// <summary>Statistics, FID, PSNR and SSIM against Data/reference.json, which Data/make_reference.py computed with
/// numpy and scipy (scipy.linalg.sqrtm for the FID's matrix square root) in float64.</summary>
public sealed class MetricsReferenceTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "reference.json"))).RootElement;

    private static (float[] Values, int Rows, int Columns) Features(string name)
    {
        var array = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", name));
        return (array.ToSingles(), array.Shape[0], array.Shape[1]);
    }

    private static GaussianStatistics Statistics(string name)
    {
        var (values, rows, columns) = Features(name);
        return GaussianStatistics.Of(values, rows, columns);
    }

    [Fact]
    public void Mean_and_unbiased_covariance_match_numpy()
    {
        var stats = Statistics("features_a.npy");
        var mean = Reference.GetProperty("mean_a").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var diagonal = Reference.GetProperty("covariance_a_diagonal").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int d = stats.Dimension;
        for (int i = 0; i < d; i++)
        {
            Assert.Equal(mean[i], stats.Mean[i], 1e-12);
            Assert.Equal(diagonal[i], stats.Covariance[i * d + i], 1e-12);
        }
        Assert.Equal(Reference.GetProperty("covariance_a_0_1").GetDouble(), stats.Covariance[1], 1e-12);
        Assert.Equal(Reference.GetProperty("covariance_a_5_17").GetDouble(), stats.Covariance[5 * d + 17], 1e-12);
        Assert.Equal(stats.Covariance[5 * d + 17], stats.Covariance[17 * d + 5]);
    }

    [Fact]
    public void Fid_matches_scipy_within_one_millionth()
    {
        var fid = FrechetDistance.Between(Statistics("features_a.npy"), Statistics("features_b.npy"));
        var expected = Reference.GetProperty("fid").GetDouble();
        Assert.True(Math.Abs(fid - expected) <= 1e-6 * expected, $"FID {fid:R}, scipy {expected:R}");
    }

    [Fact]
    public void Fid_of_a_set_with_itself_is_zero_and_the_distance_is_symmetric()
    {
        var a = Statistics("features_a.npy");
        var b = Statistics("features_b.npy");
        Assert.Equal(0, FrechetDistance.Between(a, a), 1e-9);
        Assert.Equal(FrechetDistance.Between(a, b), FrechetDistance.Between(b, a), 1e-9);
    }

    [Fact]
    public void Fid_of_diagonal_gaussians_has_its_closed_form()
    {
        // For diagonal covariances the distance is sum (mu1 - mu2)^2 + (sqrt(s1) - sqrt(s2))^2.
        double[] mu1 = { 1, 2, 3 }, mu2 = { 0, 2, 5 }, s1 = { 4, 1, 9 }, s2 = { 1, 1, 16 };
        static double[] Diagonal(double[] s) => new[] { s[0], 0, 0, 0, s[1], 0, 0, 0, s[2] };
        var fid = FrechetDistance.Between(new GaussianStatistics(mu1, Diagonal(s1)), new GaussianStatistics(mu2, Diagonal(s2)));
        Assert.Equal(1 + 0 + 4 + 1 + 0 + 1, fid, 12);
    }

    [Fact]
    public void Non_finite_statistics_are_refused()
    {
        var bad = new GaussianStatistics(new[] { double.NaN }, new[] { 1.0 });
        var good = new GaussianStatistics(new[] { 0.0 }, new[] { 1.0 });
        Assert.Contains("non-finite", Assert.Throws<ArithmeticException>(() => FrechetDistance.Between(bad, good)).Message);
    }

    [Fact]
    public void Psnr_and_ssim_match_the_numpy_reference()
    {
        var a = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "images_a.npy"));
        var b = NpyFile.Read(Path.Combine(AppContext.BaseDirectory, "Data", "images_b.npy"));
        var psnr = Reference.GetProperty("psnr").EnumerateArray().ToArray();
        var ssim = Reference.GetProperty("ssim").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int size = 28 * 28;
        var bytesA = a.Values.Select(v => (byte)v).ToArray();
        var bytesB = b.Values.Select(v => (byte)v).ToArray();
        for (int i = 0; i < a.Shape[0]; i++)
        {
            var x = bytesA.AsSpan(i * size, size);
            var y = bytesB.AsSpan(i * size, size);
            var expectedPsnr = psnr[i].ValueKind == JsonValueKind.String ? double.PositiveInfinity : psnr[i].GetDouble();
            Assert.Equal(expectedPsnr, ImageFidelity.Psnr(x, y), 10);
            Assert.Equal(ssim[i], ImageFidelity.Ssim(x, y, 28, 28, 1), 10);
        }
    }
}
