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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pixel_space_sampling_clamps_the_predicted_x0_to_the_data_range(bool ddim)
    {
        // eps = 0 makes x0 = x/sqrt(ᾱ); at a middle step of 10 that is beyond ±1 for most of the state, so clamping shows.
        var s = DiffusionSchedule.Create("10");
        var k = 5;
        var start = State(4 * 6);
        var x = start.ToArray();
        var output = new float[2 * x.Length];
        if (ddim)
            DiffusionSampler.DdimStep(s, k, output, x, 1, 4, 6, clipDenoised: true);
        else
            DiffusionSampler.DdpmStep(s, k, output, x, new float[x.Length], 1, 4, 6, clipDenoised: true);
        var clamped = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var raw = start[i] / Math.Sqrt(s.AlphaBar[k]);
            var x0 = Math.Clamp(raw, -1, 1);
            clamped += raw == x0 ? 0 : 1;
            var expected = ddim
                ? x0 * Math.Sqrt(s.AlphaBarPrev[k]) + Math.Sqrt(1 - s.AlphaBarPrev[k]) * (start[i] / Math.Sqrt(s.AlphaBar[k]) - x0) / Math.Sqrt(1 / s.AlphaBar[k] - 1)
                : s.PosteriorMeanCoef1[k] * x0 + s.PosteriorMeanCoef2[k] * start[i];
            Assert.True(Math.Abs(x[i] - expected) <= 1e-5 * Math.Abs(expected) + 1e-6, $"element {i}: {x[i]} vs {expected}");
        }
        Assert.InRange(clamped, x.Length / 2, x.Length);
    }

    /// <summary>eps = 0.3·x + 0.05·t/1000, so every step's prediction depends on the state it is given.</summary>
    private static void LinearEps(ReadOnlySpan<float> x, int timestep, int batch, int channels, Span<float> output)
    {
        var pixels = x.Length / (batch * channels);
        output.Fill(float.NaN); // the variance channels: DDIM must not read them
        for (var n = 0; n < batch; n++)
        {
            for (var i = 0; i < channels * pixels; i++)
                output[n * 2 * channels * pixels + i] = 0.3f * x[n * channels * pixels + i] + 0.05f * timestep / 1000;
        }
    }

    private static float StepNoise(int step, int i) => (float)Math.Sin(1.3 * i + 0.7 * step + 0.2);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Ddim_with_eta_follows_the_ddim_update_in_float64(double eta)
    {
        const int batch = 2, channels = 4;
        var s = DiffusionSchedule.Create("10");
        var x = State(batch * channels * 9);
        var expected = x.Select(v => (double)v).ToArray();
        var drawn = new System.Collections.Generic.List<int>();
        DiffusionSampler.Sample(s, ddim: true, x, batch, channels, (state, t, step, output) => LinearEps(state, t, batch, channels, output),
            (step, noise) =>
            {
                drawn.Add(step);
                for (var i = 0; i < noise.Length; i++)
                    noise[i] = StepNoise(step, i);
            }, eta: eta);

        // DDIM (Song et al.): x0 = (x − sqrt(1 − ā)·eps)/sqrt(ā); x ← sqrt(āprev)·x0 + sqrt(1 − āprev − σ²)·eps + σ·z,
        // σ = η·sqrt((1 − āprev)/(1 − ā))·sqrt(1 − ā/āprev), no noise at the last step.
        for (var j = 0; j < s.Steps; j++)
        {
            var k = s.Steps - 1 - j;
            double a = s.AlphaBar[k], prev = s.AlphaBarPrev[k], t = s.TimestepMap[k];
            var sigma = eta * Math.Sqrt((1 - prev) / (1 - a)) * Math.Sqrt(1 - a / prev);
            for (var i = 0; i < expected.Length; i++)
            {
                var eps = 0.3 * expected[i] + 0.05 * t / 1000;
                var x0 = (expected[i] - Math.Sqrt(1 - a) * eps) / Math.Sqrt(a);
                expected[i] = Math.Sqrt(prev) * x0 + Math.Sqrt(1 - prev - sigma * sigma) * eps + (k == 0 ? 0 : sigma * StepNoise(j, i));
            }
        }
        Assert.Equal(eta == 0 ? [] : Enumerable.Range(0, s.Steps - 1), drawn);
        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - expected[i]) <= 2e-6 * scale, $"eta {eta}, element {i}: {x[i]} vs {expected[i]}");
    }

    [Fact]
    public void Ddim_with_eta_one_is_the_ddpm_step_with_the_posterior_variance()
    {
        // σ² at η = 1 is the posterior variance β̃, and the mean becomes the posterior mean: one step of each from the
        // same state, prediction and noise agree. v = −1 selects the (clipped) posterior log-variance, unclipped at k ≥ 1.
        var s = DiffusionSchedule.Create("50");
        var noise = Enumerable.Range(0, 2 * 4 * 4).Select(i => StepNoise(3, i)).ToArray();
        foreach (var k in new[] { 1, 20, 49 })
        {
            var ddim = State(noise.Length);
            var ddpm = ddim.ToArray();
            var output = new float[2 * ddim.Length];
            LinearEps(ddim, s.TimestepMap[k], 2, 4, output);
            for (var n = 0; n < 2; n++)
                output.AsSpan((2 * n + 1) * 4 * 4, 4 * 4).Fill(-1f);
            DiffusionSampler.DdimStep(s, k, output, ddim, 2, 4, 4, eta: 1, noise);
            DiffusionSampler.DdpmStep(s, k, output, ddpm, noise, 2, 4, 4);
            var scale = ddpm.Max(Math.Abs);
            for (var i = 0; i < ddim.Length; i++)
                Assert.True(Math.Abs(ddim[i] - ddpm[i]) <= 2e-6 * scale, $"k {k}, element {i}: DDIM {ddim[i]} vs DDPM {ddpm[i]}");
        }
    }

    [Fact]
    public void Ddim_eta_outside_zero_to_one_or_with_ddpm_is_refused()
    {
        var s = DiffusionSchedule.Create("2");
        var noise = DiffusionSampler.PhiloxNoise(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => DiffusionSampler.Sample(s, ddim: true, new float[4], 1, 4, ZeroEps, noise, eta: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiffusionSampler.Sample(s, ddim: false, new float[4], 1, 4, ZeroEps, noise, eta: 0.5));
        Assert.Throws<ArgumentNullException>(() => DiffusionSampler.Sample(s, ddim: true, new float[4], 1, 4, ZeroEps, null, eta: 0.5));
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
