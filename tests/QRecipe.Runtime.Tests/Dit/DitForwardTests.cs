using System;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Dit;

/// <summary>The DiT forward, guidance and both samplers against the float64 reference of Data/make_dit_reference.py.
/// Bounds: a float32 forward of this depth stays within 1e-5 relative L2 of float64; ten sampling steps amplify the
/// state by up to ~1/sqrt(ᾱ) ≈ 160, so the samplers get 1e-4.</summary>
public sealed class DitForwardTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    private static DitModel LoadModel() => new(DitWeights.Load(DitReference.WeightsPath, DitReference.Model, Backend), Backend);

    private static Tensor Input() => Tensor.From(DitReference.Values("x"), 2, 4, 8, 8);

    private static Tensor Timesteps() => Tensor.From(DitReference.Values("t"), 2);

    private static readonly int[] LabelValues = DitReference.Values("y").Select(v => (int)v).ToArray();

    [Fact]
    public void Forward_matches_the_reference()
    {
        var error = ForwardError(null);
        Assert.True(error < 1e-5, $"relative L2 error {error:E2}");
    }

    /// <summary>Relative L2 error of one forward against the reference, with <paramref name="operators"/> in place of
    /// the model's own when given.</summary>
    private static double ForwardError(IDitOperators? operators)
    {
        using var model = LoadModel();
        if (operators is not null)
            model.Operators = operators;
        using var x = Input();
        using var t = Timesteps();
        using var labels = Tensor.From(LabelValues, 2);
        using var output = Tensor.Empty(2, 8, 8, 8);
        model.Forward(x, t, labels, output);
        return DitReference.RelativeError(DitReference.Values("forward"), output.AsSpan<float>());
    }

    /// <summary>Float operators that do not fuse attention (the interface's default), as quantized and SC cells run it.</summary>
    private sealed class StepByStepAttention(IDitOperators inner) : IDitOperators
    {
        public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output) => inner.Linear(site, input, weights, output);

        public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores) => inner.AttentionScores(site, q, k, scale, scores);

        public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output) => inner.AttentionValues(site, probabilities, v, output);
    }

    /// <summary>The float model fuses attention (the test above); the step-by-step path, which recipes that quantize or
    /// replace an attention product take, must match the reference as well.</summary>
    [Fact]
    public void Forward_with_attention_step_by_step_matches_the_reference()
    {
        var error = ForwardError(new StepByStepAttention(new FloatOperators(Backend)));
        Assert.True(error < 1e-5, $"relative L2 error {error:E2}");
    }

    [Fact]
    public void Guidance_guides_three_eps_channels_and_keeps_the_conditional_rest()
    {
        using var model = LoadModel();
        using var x = Input();
        using var t = Timesteps();
        using var labels = Tensor.From(LabelValues, 2);
        using var output = Tensor.Empty(2, 8, 8, 8);
        model.ForwardWithCfg(x, t, labels, 1.5f, output);
        var error = DitReference.RelativeError(DitReference.Values("forward_cfg"), output.AsSpan<float>());
        Assert.True(error < 1e-5, $"relative L2 error {error:E2}");
        // Channels 3..7 are the conditional forward's own values.
        var plain = DitReference.Values("forward");
        var guided = output.ToArray<float>();
        for (var n = 0; n < 2; n++)
        {
            for (var i = 3 * 64; i < 8 * 64; i++)
                Assert.True(Math.Abs(plain[n * 512 + i] - guided[n * 512 + i]) <= 1e-5 * Math.Max(1, Math.Abs(plain[n * 512 + i])), $"sample {n}, element {i}");
        }
    }

    [Fact]
    public void Ddpm_with_guidance_and_replayed_noise_matches_the_reference()
    {
        var noise = DitReference.Values("ddpm10_noise");
        var state = DitReference.Values("x");
        using var model = LoadModel();
        using var denoiser = new DitDenoiser(model, Backend, LabelValues, 1.5f);
        DiffusionSampler.Sample(DiffusionSchedule.Create("10"), ddim: false, state, 2, 4, denoiser.Denoise,
            (step, destination) => noise.AsSpan(step * state.Length, state.Length).CopyTo(destination));
        var error = DitReference.RelativeError(DitReference.Values("ddpm10_cfg1.5"), state);
        Assert.True(error < 1e-4, $"relative L2 error {error:E2}");
    }

    [Theory]
    [InlineData(4f, "ddim5_cfg4")]
    [InlineData(1f, "ddim5_no_cfg")]
    public void Ddim_matches_the_reference(float scale, string reference)
    {
        var state = DitReference.Values("x");
        using var model = LoadModel();
        using var denoiser = new DitDenoiser(model, Backend, LabelValues, scale);
        DiffusionSampler.Sample(DiffusionSchedule.Create("ddim5"), ddim: true, state, 2, 4, denoiser.Denoise, noise: null);
        var error = DitReference.RelativeError(DitReference.Values(reference), state);
        Assert.True(error < 1e-4, $"relative L2 error {error:E2}");
    }

    [Fact]
    public void Wrong_latent_shape_names_both_shapes()
    {
        using var model = LoadModel();
        using var x = Tensor.Empty(2, 4, 16, 16);
        using var t = Timesteps();
        using var labels = Tensor.From(LabelValues, 2);
        using var output = Tensor.Empty(2, 8, 8, 8);
        var error = Assert.ThrowsAny<ArgumentException>(() => model.Forward(x, t, labels, output));
        Assert.Contains("[2, 4, 8, 8]", error.Message);
        Assert.Contains("[2, 4, 16, 16]", error.Message);
    }

    [Fact]
    public void Synthetic_weights_are_seeded_and_modulated()
    {
        using var a = DitWeights.Synthetic(DitReference.Model, Backend, seed: 5);
        using var b = DitWeights.Synthetic(DitReference.Model, Backend, seed: 5);
        using var c = DitWeights.Synthetic(DitReference.Model, Backend, seed: 6);
        Assert.Equal(a.Blocks[1].AdaLN.Weight.ToArray<float>(), b.Blocks[1].AdaLN.Weight.ToArray<float>());
        Assert.NotEqual(a.Blocks[1].AdaLN.Weight.ToArray<float>(), c.Blocks[1].AdaLN.Weight.ToArray<float>());
        // Modulation weights N(0, 0.5²/32): their RMS is near 0.088, not zero as in adaLN-Zero training init.
        var weights = a.Blocks[0].AdaLN.Weight.ToArray<float>();
        var rms = Math.Sqrt(weights.Average(v => (double)v * v));
        Assert.InRange(rms, 0.08, 0.097);
    }
}
