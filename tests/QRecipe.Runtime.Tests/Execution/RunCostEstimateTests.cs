using System;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan.Models;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

public sealed class RunCostEstimateTests
{
    /// <summary>The DiT paper (Peebles and Xie, Scalable Diffusion Models with Transformers) gives DiT-XL/2 at 256×256
    /// 118.6 GFLOPs per forward, counted as multiply-adds: 237.2 GFLOP.</summary>
    [Fact]
    public void Forward_work_of_dit_xl_2_is_the_papers()
    {
        var flops = RunCostEstimate.ForwardFlops(ModelCatalog.Find("dit-xl/2", 256)!);
        Assert.InRange(flops, 2 * 118.6e9 * 0.995, 2 * 118.6e9 * 1.005);
    }

    [Fact]
    public void Times_are_work_over_rate_positive_and_finite()
    {
        var plan = RecipeCompiler.Compile("recipe T\nmodel dit-s/2 image 256\nsampler ddpm steps 10 cfg 1.5\nweights int4 group 128 gptq\nactivations int8\ncalibrate samples 4 steps 0, 9 batch 2\n", "t.qrecipe").Plan!;
        var phases = RunCostEstimate.For(plan, 3, false, 16, 2e11);
        Assert.Equal([RunCostEstimate.Calibration, RunCostEstimate.Quantization, RunCostEstimate.Sampling], phases.Select(p => p.Phase));
        foreach (var phase in phases)
        {
            Assert.True(phase.Seconds > 0 && double.IsFinite(phase.Seconds), $"{phase.Phase}: {phase.Seconds}");
            Assert.Equal(phase.Flops / 2e11, phase.Seconds, 12);
        }
        // Sampling: 3 samples x 10 steps x guided batch of 2 forwards.
        Assert.Equal(3 * 10 * 2 * RunCostEstimate.ForwardFlops(plan.Model), phases[2].Flops, 6);
        // Calibration: 4 samples x 10 steps of guided forwards, plus Hessians at 2 steps over 4 x 2 samples.
        Assert.True(phases[0].Flops > 4 * 10 * 2 * RunCostEstimate.ForwardFlops(plan.Model));
        Assert.Throws<ArgumentOutOfRangeException>(() => RunCostEstimate.For(plan, 3, false, 16, 0));
    }

    /// <summary>GPTQ's memory, worked out by hand for two blocks of width 32 (fc2 reads 128): the lower triangles of
    /// the float64 sums, 2 × 8 × (4 × 32·33/2 + 128·129/2) = 165,888 bytes; the widest layer's work, fc2 (128 inputs,
    /// 32 outputs): H and the inverse 2 × 128² × 8, less its triangle already counted, 128·129/2 × 8, U as float32
    /// 128² × 4, and Wᵀ, codes and result 3 × 32 × 128 × 4: 310,784 bytes.</summary>
    [Fact]
    public void Gptq_memory_is_the_weights_the_sums_and_one_layers_work()
    {
        var plan = RecipeCompiler.Compile("recipe T\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\n"
            + "weights int4 gptq\ncalibrate samples 3 steps 1, 3 batch 2\n", "t.qrecipe").Plan!;
        var weights = RunMemoryEstimate.For(plan.Model, 1, compareFloat: false).WeightBytes;
        var calibrationBatch = RunMemoryEstimate.For(plan.Model, 2, compareFloat: false);
        const double sums = 165_888, work = 310_784;

        var plain = RunCostEstimate.For(plan, 3, false, 16, 2e11);
        Assert.Equal(calibrationBatch.TotalBytes + sums, plain[0].PeakBytes);
        Assert.Equal(weights + sums + work, plain[1].PeakBytes);
        // With --compare-fp both copies of the weights (about 200 kB each here) outweigh one copy and the sums.
        Assert.True(weights > sums);
        Assert.Equal(2 * weights + work, RunCostEstimate.For(plan, 3, true, 16, 2e11)[1].PeakBytes);
    }
}
