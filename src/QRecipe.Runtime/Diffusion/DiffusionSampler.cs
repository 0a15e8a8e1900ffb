using System;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Diffusion;

/// <summary>The denoiser: writes the model output [N, 2C, H, W] (eps channels, then variance values) for the state x
/// [N, C, H, W] at the original training <paramref name="timestep"/>; <paramref name="stepIndex"/> counts the steps
/// taken so far (0 = first, noisiest), which is how recipes address steps.</summary>
public delegate void Denoiser(ReadOnlySpan<float> x, int timestep, int stepIndex, Span<float> output);

/// <summary>Fills <paramref name="destination"/> with standard normal noise for the step <paramref name="stepIndex"/>.</summary>
public delegate void NoiseSource(int stepIndex, Span<float> destination);

/// <summary>DDPM ancestral sampling and DDIM (any η in [0, 1]) over a <see cref="DiffusionSchedule"/>
/// (docs/dit.md). Each coefficient is computed in float64 and cast to float32 where it
/// meets the state, as the reference's <c>_extract_into_tensor</c> does.</summary>
public static class DiffusionSampler
{
    /// <summary>Batch-wide seeded Philox noise, as calibration draws it: stream 1 + stepIndex of <paramref name="seed"/>
    /// over the whole batch, so each step's noise depends only on the seed, the step and the batch (stream 0 is the
    /// initial latent). Recipe runs draw per-sample streams instead (<see cref="Execution.SampleStreams"/>).</summary>
    public static NoiseSource PhiloxNoise(ulong seed) => (step, destination) => PhiloxRandom.FillNormal(destination, seed, 1 + (ulong)step);

    /// <summary>The initial latent x_T of a whole calibration batch from stream 0 of the seed.</summary>
    public static void InitialNoise(Span<float> destination, ulong seed) => PhiloxRandom.FillNormal(destination, seed, 0);

    /// <summary>Runs all S steps in place on <paramref name="x"/> ([batch, channels, pixels] flattened). DDPM and DDIM
    /// with <paramref name="eta"/> &gt; 0 draw noise from <paramref name="noise"/> at every step but the last. A
    /// <see cref="NonFiniteActivationException"/> from the denoiser gets the step it happened in; an update that makes the
    /// latents non-finite throws one for the sampler. <paramref name="clipDenoised"/> clamps every predicted x0 to
    /// [−1, 1] before it is used, as pixel-space models are sampled (a latent-space model's x0 has no fixed range, so DiT
    /// samples its latents unclipped). <paramref name="stepsToRun"/> stops after that many steps (calibration needs
    /// nothing past its last observed step).</summary>
    public static void Sample(
        DiffusionSchedule schedule, bool ddim, Span<float> x, int batch, int channels, Denoiser denoiser, NoiseSource? noise,
        Action<int>? stepDone = null, double eta = 0, bool clipDenoised = false, int? stepsToRun = null)
    {
        var pixels = x.Length / (batch * channels);
        if (pixels * batch * channels != x.Length)
            throw new ArgumentException($"a state of {x.Length} values is not {batch} x {channels} x H x W", nameof(x));
        if (!(eta >= 0 && eta <= 1) || (!ddim && eta != 0))
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "DDIM's eta is in [0, 1]; DDPM has none");
        var stochastic = !ddim || eta > 0;
        if (stochastic && noise is null)
            throw new ArgumentNullException(nameof(noise), "DDPM and DDIM with eta > 0 draw noise at every step but the last");
        var output = new float[2 * x.Length];
        var stepNoise = stochastic ? new float[x.Length] : Array.Empty<float>();
        var steps = Math.Min(schedule.Steps, stepsToRun ?? schedule.Steps);
        for (var j = 0; j < steps; j++)
        {
            var k = schedule.Steps - 1 - j;
            try
            {
                denoiser(x, schedule.TimestepMap[k], j, output);
            }
            catch (NonFiniteActivationException e) when (e.Step is null)
            {
                throw e.AtStep(j);
            }
            if (stochastic && k != 0)
                noise!(j, stepNoise);
            if (ddim)
                DdimStep(schedule, k, output, x, batch, channels, pixels, eta, stepNoise, clipDenoised);
            else
                DdpmStep(schedule, k, output, x, stepNoise, batch, channels, pixels, clipDenoised);
            var bad = FiniteValues.CountNonFinite(x);
            if (bad != 0)
                throw NonFiniteActivationException.Of(ActivationSite.SamplerUpdate(ddim), x, [batch, channels, pixels], bad).AtStep(j);
            stepDone?.Invoke(j);
        }
    }

    /// <summary>x ← posterior mean + exp(½·logvar)·noise (no noise at k = 0), with the learned-range log-variance
    /// interpolated between the clipped posterior log-variance and log β.</summary>
    public static void DdpmStep(DiffusionSchedule s, int k, ReadOnlySpan<float> output, Span<float> x, ReadOnlySpan<float> noise, int batch, int channels, int pixels,
        bool clipDenoised = false)
    {
        float recip = (float)s.SqrtRecipAlphaBar[k], recipM1 = (float)s.SqrtRecipM1AlphaBar[k];
        float coef1 = (float)s.PosteriorMeanCoef1[k], coef2 = (float)s.PosteriorMeanCoef2[k];
        float minLog = (float)s.PosteriorLogVarianceClipped[k], maxLog = (float)s.LogBetas[k];
        var last = k == 0;
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var state = (n * channels + c) * pixels;
                var eps = (n * 2 * channels + c) * pixels;
                var value = eps + channels * pixels;
                for (var i = 0; i < pixels; i++)
                {
                    var xi = x[state + i];
                    var x0 = Denoised(recip * xi - recipM1 * output[eps + i], clipDenoised);
                    var mean = coef1 * x0 + coef2 * xi;
                    if (last)
                    {
                        x[state + i] = mean;
                        continue;
                    }
                    var frac = (output[value + i] + 1) / 2;
                    var logVariance = frac * maxLog + (1 - frac) * minLog;
                    x[state + i] = mean + MathF.Exp(0.5f * logVariance) * noise[state + i];
                }
            }
        }
    }

    /// <summary>DDIM update: eps re-derived from the predicted x0, then
    /// x ← x0·sqrt(ᾱprev) + sqrt(1 − ᾱprev − σ²)·eps + σ·noise with σ = η·sqrt((1 − ᾱprev)/(1 − ᾱ))·sqrt(1 − ᾱ/ᾱprev).
    /// η = 0 is deterministic and reads no noise; σ is 0 at the last step (k = 0, ᾱprev = 1).</summary>
    public static void DdimStep(DiffusionSchedule s, int k, ReadOnlySpan<float> output, Span<float> x, int batch, int channels, int pixels,
        double eta = 0, ReadOnlySpan<float> noise = default, bool clipDenoised = false)
    {
        float recip = (float)s.SqrtRecipAlphaBar[k], recipM1 = (float)s.SqrtRecipM1AlphaBar[k];
        double alphaBar = s.AlphaBar[k], alphaBarPrev = s.AlphaBarPrev[k];
        var sigma = eta * Math.Sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.Sqrt(1 - alphaBar / alphaBarPrev);
        // 1 − ᾱprev − σ² ≥ (1 − ᾱprev)²·ᾱ/(ᾱprev·(1 − ᾱ)) > 0 for η ≤ 1 before the last step, and exactly 0 at it.
        float sqrtPrev = (float)Math.Sqrt(alphaBarPrev), epsScale = (float)Math.Sqrt(1 - alphaBarPrev - sigma * sigma);
        var noiseScale = (float)sigma;
        if (noiseScale != 0 && noise.Length != x.Length)
            throw new ArgumentException($"DDIM with eta {eta} needs {x.Length} noise values, not {noise.Length}", nameof(noise));
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var state = (n * channels + c) * pixels;
                var eps = (n * 2 * channels + c) * pixels;
                for (var i = 0; i < pixels; i++)
                {
                    var xi = x[state + i];
                    var x0 = Denoised(recip * xi - recipM1 * output[eps + i], clipDenoised);
                    var epsPrime = (recip * xi - x0) / recipM1;
                    var next = x0 * sqrtPrev + epsScale * epsPrime;
                    x[state + i] = noiseScale == 0 ? next : next + noiseScale * noise[state + i];
                }
            }
        }
    }

    /// <summary>The predicted x0, clamped to the data range [−1, 1] when the model samples pixels.</summary>
    private static float Denoised(float x0, bool clip) => clip ? Math.Clamp(x0, -1f, 1f) : x0;
}
