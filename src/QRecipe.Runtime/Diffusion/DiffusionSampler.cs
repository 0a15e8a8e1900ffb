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

/// <summary>DDPM ancestral sampling and DDIM (η = 0) over a <see cref="DiffusionSchedule"/>
/// (shared/spec/dit-and-diffusion.md §B.6–§B.8). Each coefficient is computed in float64 and cast to float32 where it
/// meets the state, as the reference's <c>_extract_into_tensor</c> does.</summary>
public static class DiffusionSampler
{
    /// <summary>Seeded Philox noise: stream 1 + stepIndex of <paramref name="seed"/>, so each step's noise depends only on
    /// the seed and the step, never on the batch layout of earlier steps (stream 0 is the initial latent).</summary>
    public static NoiseSource PhiloxNoise(ulong seed) => (step, destination) => PhiloxRandom.FillNormal(destination, seed, 1 + (ulong)step);

    /// <summary>The initial latent x_T from stream 0 of the seed.</summary>
    public static void InitialNoise(Span<float> destination, ulong seed) => PhiloxRandom.FillNormal(destination, seed, 0);

    /// <summary>Runs all S steps in place on <paramref name="x"/> ([batch, channels, pixels] flattened). A
    /// <see cref="NonFiniteActivationException"/> from the denoiser gets the step it happened in; an update that makes the
    /// latents non-finite throws one for the sampler.</summary>
    public static void Sample(
        DiffusionSchedule schedule, bool ddim, Span<float> x, int batch, int channels, Denoiser denoiser, NoiseSource? noise,
        Action<int>? stepDone = null)
    {
        var pixels = x.Length / (batch * channels);
        if (pixels * batch * channels != x.Length)
            throw new ArgumentException($"a state of {x.Length} values is not {batch} x {channels} x H x W", nameof(x));
        if (!ddim && noise is null)
            throw new ArgumentNullException(nameof(noise), "DDPM sampling draws noise at every step but the last");
        var output = new float[2 * x.Length];
        var stepNoise = ddim ? Array.Empty<float>() : new float[x.Length];
        for (var j = 0; j < schedule.Steps; j++)
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
            if (ddim)
                DdimStep(schedule, k, output, x, batch, channels, pixels);
            else
            {
                if (k != 0)
                    noise!(j, stepNoise);
                DdpmStep(schedule, k, output, x, stepNoise, batch, channels, pixels);
            }
            var bad = FiniteValues.CountNonFinite(x);
            if (bad != 0)
                throw NonFiniteActivationException.Of(ActivationSite.SamplerUpdate(ddim), x, [batch, channels, pixels], bad).AtStep(j);
            stepDone?.Invoke(j);
        }
    }

    /// <summary>x ← posterior mean + exp(½·logvar)·noise (no noise at k = 0), with the learned-range log-variance
    /// interpolated between the clipped posterior log-variance and log β (§B.6, §B.7).</summary>
    public static void DdpmStep(DiffusionSchedule s, int k, ReadOnlySpan<float> output, Span<float> x, ReadOnlySpan<float> noise, int batch, int channels, int pixels)
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
                    var x0 = recip * xi - recipM1 * output[eps + i];
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

    /// <summary>Deterministic DDIM update with η = 0: eps re-derived from the predicted x0 (§B.8).</summary>
    public static void DdimStep(DiffusionSchedule s, int k, ReadOnlySpan<float> output, Span<float> x, int batch, int channels, int pixels)
    {
        float recip = (float)s.SqrtRecipAlphaBar[k], recipM1 = (float)s.SqrtRecipM1AlphaBar[k];
        float sqrtPrev = (float)Math.Sqrt(s.AlphaBarPrev[k]), sqrtOneMinusPrev = (float)Math.Sqrt(1 - s.AlphaBarPrev[k]);
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var state = (n * channels + c) * pixels;
                var eps = (n * 2 * channels + c) * pixels;
                for (var i = 0; i < pixels; i++)
                {
                    var xi = x[state + i];
                    var x0 = recip * xi - recipM1 * output[eps + i];
                    var epsPrime = (recip * xi - x0) / recipM1;
                    x[state + i] = x0 * sqrtPrev + sqrtOneMinusPrev * epsPrime;
                }
            }
        }
    }
}
