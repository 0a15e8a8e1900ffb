using System;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>A quantized run holds one copy of each weight it needs: the float weight of a layer whose every cell is
/// quantized is released once its quantized version exists; a layer with any float cell keeps it; and the forward
/// still runs and matches the run that kept every float weight.</summary>
public sealed class FloatWeightReleaseTests
{
    // depth 2, hidden 32, MLP 128: qkv 96×32, proj 32×32, fc1 128×32, fc2 32×128, adaLN 192×32 per block.
    private const string Model = "model custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }";

    private static RecipePlan Plan(string body)
    {
        var compilation = RecipeCompiler.Compile($"recipe T\n{Model}\nsampler ddim steps 2\n{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    [Fact]
    public void Every_quantized_block_layer_gives_up_its_float_weight_and_the_accounting_drops_by_its_size()
    {
        // Block layers quantized at every step; embed and final stay float (their default).
        var plan = Plan("weights int4 group 16 symmetric");
        using var weights = DitWeights.Synthetic(plan.Model, CpuBackend.Instance, 3);
        using var smoothed = SmoothedWeights.None();
        var before = weights.FloatBytes;
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, null, releaseFloat: true);

        // Per block 96·32 + 32·32 + 128·32 + 32·128 + 192·32 = 18,432 floats of weights.
        const long blockWeightBytes = 18_432L * sizeof(float);
        Assert.Equal(before - 2 * blockWeightBytes, weights.FloatBytes);
        Assert.Equal(2 * blockWeightBytes, quantized.Bytes);
        foreach (var block in weights.Blocks)
        {
            Assert.False(block.Qkv.HoldsWeight);
            Assert.False(block.Fc2.HoldsWeight);
            Assert.Equal(128, block.Fc2.InFeatures);
            Assert.Throws<InvalidOperationException>(() => block.AdaLN.Weight);
        }
        Assert.True(weights.Patch.HoldsWeight);
        Assert.True(weights.FinalLinear.HoldsWeight);
    }

    [Fact]
    public void A_layer_with_a_float_cell_at_any_step_keeps_its_float_weight()
    {
        var plan = Plan("weights int4 group 16 symmetric\nat blocks 1 steps 1 {\n  weights fp on qkv\n}");
        using var weights = DitWeights.Synthetic(plan.Model, CpuBackend.Instance, 3);
        using var smoothed = SmoothedWeights.None();
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, null, releaseFloat: true);

        Assert.True(weights.Blocks[1].Qkv.HoldsWeight);
        Assert.False(weights.Blocks[0].Qkv.HoldsWeight);
        Assert.False(weights.Blocks[1].Proj.HoldsWeight);
    }

    [Fact]
    public void The_forward_after_release_equals_the_forward_with_every_float_weight_kept()
    {
        var plan = Plan("weights int4 group 16 symmetric\nactivations int8 per-token dynamic on all");
        var kept = Forward(plan, release: false);
        var released = Forward(plan, release: true);
        Assert.Equal(kept, released);
    }

    [Fact]
    public void A_run_drops_each_gptq_hessian_after_its_layer_and_quantizes_the_same()
    {
        var plan = Plan("weights int4 group 16 asymmetric gptq\ncalibrate samples 2 batch 2");
        var (kept, keptStatistics) = GptqWeights(plan, releaseHessians: false);
        var (released, releasedStatistics) = GptqWeights(plan, releaseHessians: true);
        Assert.Equal(10, keptStatistics.Hessians.Count); // qkv, proj, fc1, fc2 and adaLN of two blocks
        Assert.Empty(releasedStatistics.Hessians);
        Assert.Equal(kept, released);
    }

    private static (float[] Weights, CalibrationStatistics Statistics) GptqWeights(RecipePlan plan, bool releaseHessians)
    {
        using var weights = DitWeights.Synthetic(plan.Model, CpuBackend.Instance, 3);
        var (statistics, smoothed) = Calibrator.Prepare(plan, weights, CpuBackend.Instance, null, default);
        using var _ = smoothed;
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, statistics, releaseHessians: releaseHessians);
        var gptq = System.Linq.Enumerable.First(plan.Palette, cell => cell.Weights.Method == WeightMethod.Gptq).Weights;
        var values = new System.Collections.Generic.List<float>();
        foreach (var block in weights.Blocks)
        {
            foreach (var layer in new[] { block.Qkv, block.Proj, block.Fc1, block.Fc2, block.AdaLN })
                values.AddRange(quantized.For(layer, gptq).ToArray<float>());
        }
        return (values.ToArray(), statistics!);
    }

    private static float[] Forward(RecipePlan plan, bool release)
    {
        var m = plan.Model;
        using var weights = DitWeights.Synthetic(m, CpuBackend.Instance, 3);
        using var smoothed = SmoothedWeights.None();
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, null, releaseFloat: release);
        using var operators = new PlanOperators(plan, quantized, smoothed, null, ComputeDevices.Cpu, seed: 0);
        using var dit = new DitModel(weights, CpuBackend.Instance, operators);
        var latents = new float[2 * m.InChannels * m.LatentSize * m.LatentSize];
        for (var i = 0; i < latents.Length; i++)
            latents[i] = MathF.Sin(i * 0.37f);
        using var x = Tensor.From(latents, 2, m.InChannels, m.LatentSize, m.LatentSize);
        using var t = Tensor.From(new[] { 900f, 100f }, 2);
        using var y = Tensor.From(new[] { 1, 7 }, 2);
        using var output = Tensor.Empty(2, m.OutChannels, m.LatentSize, m.LatentSize);
        dit.Forward(x, t, y, output);
        return output.ToArray<float>();
    }
}
