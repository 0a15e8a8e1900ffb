using System;
using System.Collections.Generic;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Tensors;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>
/// Finite weights planted so that exactly one operator overflows float32 (max 3.4e38) on finite inputs: the run must
/// stop there, naming that step, part and operator, however the recipe computes the operator. Each planting zeroes a
/// layer's weight and sets its bias, so the values going in are known exactly; the overflow is then plain arithmetic
/// (noted with each case). The tiny model: hidden 32, 2 heads of 16, MLP 128, 16 tokens, 32 outputs per token; two
/// samples with guidance make forward batches of 4.
/// </summary>
public sealed class NonFiniteActivationTests
{
    private static void Fill(Tensor tensor, float value) => tensor.AsSpan<float>().Fill(value);

    private static void Fill(Tensor tensor, int start, int length, float value) => tensor.AsSpan<float>().Slice(start, length).Fill(value);

    /// <summary>fc1 outputs its bias 1e30 (GELU keeps it), fc2 sums 128 × 1e30 × 1e10 = 1.28e42: +Inf everywhere.</summary>
    private static void Fc2Overflows(DitWeights w)
    {
        Fill(w.Blocks[1].Fc1.Weight, 0f);
        Fill(w.Blocks[1].Fc1.Bias, 1e30f);
        Fill(w.Blocks[1].Fc2.Weight, 1e10f);
    }

    /// <summary>q and k are their biases 1e20, so q·k/√16 = 16 × 1e40 / 4, past float32 already in each 1e20 × 1e20.</summary>
    private static void QkOverflows(DitWeights w)
    {
        Fill(w.Blocks[0].Qkv.Weight, 0f);
        Fill(w.Blocks[0].Qkv.Bias, 0f);
        Fill(w.Blocks[0].Qkv.Bias, 0, 64, 1e20f);
    }

    /// <summary>gate_msa = 3e38 and the attention branch (proj's bias) = 10: x + 3e39 is +Inf, while both are finite.</summary>
    private static void AttentionResidualOverflows(DitWeights w)
    {
        Fill(w.Blocks[0].AdaLN.Weight, 0f);
        Fill(w.Blocks[0].AdaLN.Bias, 0f);
        Fill(w.Blocks[0].AdaLN.Bias, 2 * 32, 32, 3e38f);
        Fill(w.Blocks[0].Proj.Weight, 0f);
        Fill(w.Blocks[0].Proj.Bias, 10f);
    }

    /// <summary>silu(1e30) = 1e30, then t_embedder.mlp.2 sums 32 × 1e30 × 1e10 = 3.2e41.</summary>
    private static void TimeEmbedderOverflows(DitWeights w)
    {
        Fill(w.TimeMlp0.Weight, 0f);
        Fill(w.TimeMlp0.Bias, 1e30f);
        Fill(w.TimeMlp2.Weight, 1e10f);
    }

    /// <summary>The timestep embedding (its bias, 3e38) plus the label row (3e38) is 6e38.</summary>
    private static void LabelAddOverflows(DitWeights w)
    {
        Fill(w.TimeMlp2.Weight, 0f);
        Fill(w.TimeMlp2.Bias, 3e38f);
        Fill(w.LabelTable, 3e38f);
    }

    /// <summary>The final shift (its adaLN bias) is 1e30 and the scale 0, so the modulated tokens are 1e30; the final
    /// linear sums 32 × 1e30 × 1e10.</summary>
    private static void FinalLinearOverflows(DitWeights w)
    {
        Fill(w.FinalAdaLN.Weight, 0f);
        Fill(w.FinalAdaLN.Bias, 0f);
        Fill(w.FinalAdaLN.Bias, 0, 32, 1e30f);
        Fill(w.FinalLinear.Weight, 1e10f);
    }

    /// <summary>The model outputs eps = 1e37 everywhere (finite, and guidance keeps it: 1e37 + 1.5 × 0). DDIM's first step
    /// (t = 999, ᾱ ≈ 4e-5) predicts x0 = x/√ᾱ − eps·√(1/ᾱ − 1) ≈ −1.6e39: −Inf, and the update NaN.</summary>
    private static void SamplerOverflows(DitWeights w)
    {
        Fill(w.FinalLinear.Weight, 0f);
        Fill(w.FinalLinear.Bias, 1e37f);
    }

    private const string Float = "weights fp\nactivations fp on all";
    private const string W8A8 = "weights int8 per-channel\nactivations int8 per-token dynamic on all";

    public static IEnumerable<object[]> Cases()
    {
        // planting, recipe, part, block, operator, layer, elements of the operator's output
        var fc2 = ("fc2", "blocks.1.mlp.fc2");
        foreach (var recipe in new[] { Float, W8A8, W8A8 + "\nsc precision 8 { fc2 stream 64 }", W8A8 + "\nsc precision 8 noise { fc2 stream 64 }" })
            yield return [nameof(Fc2Overflows), recipe, "block 1", 1, fc2.Item1, fc2.Item2, 4 * 16 * 32];
        foreach (var recipe in new[] { Float, W8A8, W8A8 + "\nsc precision 8 { qk stream 64 }", W8A8 + "\nsc precision 8 noise { qk stream 64 }" })
            yield return [nameof(QkOverflows), recipe, "block 0", 0, "qk", "blocks.0.attn.qkv.qk", 4 * 2 * 16 * 16];
        yield return [nameof(AttentionResidualOverflows), W8A8, "block 0", 0, "attn residual", "blocks.0: x + gate_msa·attn", 4 * 16 * 32];
        yield return [nameof(TimeEmbedderOverflows), W8A8, "embedders", null!, "embed", "t_embedder.mlp.2", 4 * 32];
        yield return [nameof(LabelAddOverflows), Float, "embedders", null!, "label add", "t_embedder + y_embedder", 4 * 32];
        yield return [nameof(FinalLinearOverflows), W8A8, "final layer", null!, "final", "final_layer.linear", 4 * 16 * 32];
        yield return [nameof(SamplerOverflows), Float, "sampler", null!, "ddim update", "latents", 2 * 4 * 64];
    }

    private static readonly Dictionary<string, Action<DitWeights>> Plantings = new()
    {
        [nameof(Fc2Overflows)] = Fc2Overflows,
        [nameof(QkOverflows)] = QkOverflows,
        [nameof(AttentionResidualOverflows)] = AttentionResidualOverflows,
        [nameof(TimeEmbedderOverflows)] = TimeEmbedderOverflows,
        [nameof(LabelAddOverflows)] = LabelAddOverflows,
        [nameof(FinalLinearOverflows)] = FinalLinearOverflows,
        [nameof(SamplerOverflows)] = SamplerOverflows,
    };

    private static NonFiniteActivationException Fails(string planting, string recipe, bool compare = false)
    {
        var plan = PlanOf(recipe);
        using var weights = Weights(plan);
        Plantings[planting](weights);
        return Assert.Throws<NonFiniteActivationException>(() => RecipeRunner.Run(plan, Settings(compare), weights, ComputeDevices.Cpu));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_operator_that_overflows_is_named(string planting, string recipe, string part, int? block, string op, string layer, int elements)
    {
        var error = Fails(planting, recipe);
        Assert.Equal(0, error.Step);
        Assert.Null(error.Run);
        Assert.Equal(new ActivationSite(part, block, op, layer), error.Site);
        // Every value of the output overflows: the inputs of each planted operator are the same in every position.
        Assert.Equal(elements, error.Elements);
        Assert.Equal(elements, error.Count);
        Assert.False(float.IsFinite(error.FirstValue));
        Assert.StartsWith($"non-finite activation at step 0, {part}, operator {op} ({layer}): {elements} of {elements} values are NaN or infinite, the first is ",
            error.Message);
    }

    [Fact]
    public void The_message_gives_the_first_value_and_its_position()
    {
        Assert.Equal("non-finite activation at step 0, block 1, operator fc2 (blocks.1.mlp.fc2): 2048 of 2048 values are NaN or infinite, "
            + "the first is +Inf at [0, 0, 0]", Fails(nameof(Fc2Overflows), Float).Message);
        Assert.Equal("non-finite activation at step 0, sampler, operator ddim update (latents): 512 of 512 values are NaN or infinite, "
            + "the first is NaN at [0, 0, 0]", Fails(nameof(SamplerOverflows), Float).Message);
    }

    [Fact]
    public void With_fidelity_measurement_the_recipe_run_still_stops_at_the_operator()
    {
        var error = Fails(nameof(Fc2Overflows), W8A8, compare: true);
        Assert.Equal((0, "block 1", "fc2"), (error.Step!.Value, error.Site.Part, error.Site.Operator));
        Assert.Null(error.Run);
    }

    [Fact]
    public void An_overflow_in_the_calibration_run_says_so()
    {
        var error = Fails(nameof(Fc2Overflows), "activations int8 static on all\ncalibrate samples 1");
        Assert.Equal("calibration", error.Run);
        Assert.StartsWith("non-finite activation in the calibration run at step 0, block 1, operator fc2 (blocks.1.mlp.fc2): ", error.Message);
    }

    [Fact]
    public void The_sampler_adds_the_step_to_an_error_from_the_denoiser()
    {
        var schedule = DiffusionSchedule.Create("4");
        var site = ActivationSite.InBlock(0, "qkv", "blocks.0.attn.qkv");
        void Denoise(ReadOnlySpan<float> x, int timestep, int step, Span<float> output)
        {
            if (step == 2)
                throw new NonFiniteActivationException(site, 1, 8, "[0, 1]", float.NaN);
            output.Clear();
        }
        var error = Assert.Throws<NonFiniteActivationException>(() => DiffusionSampler.Sample(schedule, ddim: true, new float[8], 1, 2, Denoise, null));
        Assert.Equal(2, error.Step);
        Assert.Equal("non-finite activation at step 2, block 0, operator qkv (blocks.0.attn.qkv): 1 of 8 values are NaN or infinite, the first is NaN at [0, 1]",
            error.Message);
    }
}
