using System;
using System.Linq;
using QRecipe.Runtime.Diffusion;

namespace QRecipe.Runtime.Tests.Diffusion;

/// <summary>The sampling updates against closed forms: with a denoiser that predicts eps = 0, DDIM scales the state by
/// ∏ sqrt(ᾱprev_k/ᾱ_k) = 1/sqrt(ᾱ_{S−1}) (the product telescopes), and DDPM without noise is a fixed affine map per
/// step computed here in float64.</summary>
public sealed class DiffusionSamplerTests
{
    private static float[] State(int length) => Enumerable.Range(0, length).Select(i => (float)Math.Sin(i * 0.37) * 2).ToArray();

    private static readonly Denoiser ZeroEps = (x, timestep, step, output) => output.Clear();

    [Fact]
    public void Ddim_with_zero_eps_telescopes_to_one_over_sqrt_alpha_bar()
    {
        var s = DiffusionSchedule.Create("ddim25");
        var x = State(2 * 4 * 9);
        var start = x.ToArray();
        DiffusionSampler.Sample(s, ddim: true, x, batch: 2, channels: 4, ZeroEps, noise: null);
        var scale = 1 / Math.Sqrt(s.AlphaBar[^1]);
        for (var i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - start[i] * scale) <= 1e-5 * Math.Abs(start[i] * scale) + 1e-6, $"element {i}: {x[i]} vs {start[i] * scale}");
    }

    [Fact]
    public void Ddpm_without_noise_follows_the_posterior_mean_in_float64()
    {
        var s = DiffusionSchedule.Create("10");
        var x = State(3 * 4 * 4);
        var expected = x.Select(v => (double)v).ToArray();
        var steps = new System.Collections.Generic.List<int>();
        DiffusionSampler.Sample(s, ddim: false, x, batch: 3, channels: 4, ZeroEps, (step, noise) => noise.Clear(), steps.Add);
        for (var k = s.Steps - 1; k >= 0; k--)
        {
            for (var i = 0; i < expected.Length; i++)
                expected[i] = s.PosteriorMeanCoef1[k] * s.SqrtRecipAlphaBar[k] * expected[i] + s.PosteriorMeanCoef2[k] * expected[i];
        }
        Assert.Equal(Enumerable.Range(0, 10), steps);
        for (var i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - expected[i]) <= 1e-5 * Math.Abs(expected[i]) + 1e-6, $"element {i}: {x[i]} vs {expected[i]}");
    }

    [Fact]
    public void Ddpm_noise_is_scaled_by_the_learned_range_standard_deviation()
    {
        // v = +1 selects log β; v = -1 the clipped posterior log-variance. One step at k = S-1 from x = 0.
        var s = DiffusionSchedule.Create("10");
        foreach (var v in new[] { -1f, 1f })
        {
            var x = new float[4];
            Denoiser denoiser = (state, t, step, output) =>
            {
                output[..4].Clear();
                output[4..].Fill(v);
            };
            DiffusionSampler.DdpmStep(s, s.Steps - 1, Denoise(denoiser, x), x, new[] { 1f, 2f, -1f, 0.5f }, 1, 4, 1);
            var logVariance = v > 0 ? s.LogBetas[^1] : s.PosteriorLogVarianceClipped[^1];
            var sigma = Math.Exp(0.5 * logVariance);
            Assert.Equal(new[] { sigma, 2 * sigma, -sigma, 0.5 * sigma }, x.Select(e => (double)e), new Tolerance(1e-6));
        }
    }

    [Fact]
    public void Seeded_noise_depends_only_on_seed_and_step()
    {
        var a = new float[64];
        var b = new float[64];
        DiffusionSampler.PhiloxNoise(42)(3, a);
        DiffusionSampler.PhiloxNoise(42)(3, b);
        Assert.Equal(a, b);
        DiffusionSampler.PhiloxNoise(42)(4, b);
        Assert.NotEqual(a, b);
    }

    private static float[] Denoise(Denoiser denoiser, float[] x)
    {
        var output = new float[2 * x.Length];
        denoiser(x, 999, 0, output);
        return output;
    }

    private sealed class Tolerance : System.Collections.Generic.IEqualityComparer<double>
    {
        private readonly double _relative;

        public Tolerance(double relative) => _relative = relative;

        public bool Equals(double x, double y) => Math.Abs(x - y) <= _relative * Math.Max(Math.Abs(x), Math.Abs(y));

        public int GetHashCode(double obj) => 0;
    }
}
