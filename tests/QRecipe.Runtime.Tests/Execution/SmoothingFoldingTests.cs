using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Smoothing folded into the model (docs/quantization.md): in floating point the folded model computes
/// the same function as the original, whichever layers are smoothed and whatever the factors.</summary>
public sealed class SmoothingFoldingTests
{
    /// <summary>The folded model as <see cref="SmoothedWeights"/> describes it: folded weights, and for layers smoothed on
    /// the fly the input divided by s and the weight W·diag(s).</summary>
    private sealed class FoldedOperators(SmoothedWeights smoothed, ITensorBackend backend) : IDitOperators
    {
        private readonly FloatOperators _float = new(backend);

        public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
        {
            if (smoothed.OnTheFly(weights.Name) is not { } s)
            {
                _float.Linear(site, input, smoothed.Folded(weights), output);
                return;
            }
            var divided = input.ToArray<float>();
            SmoothFolding.DivideColumns(divided, divided.Length / weights.InFeatures, weights.InFeatures, s);
            using var x = Tensor.From(divided, input.Shape.ToArray());
            _float.Linear(site, x, smoothed.Quantizable(weights), output);
        }

        public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores) => _float.AttentionScores(site, q, k, scale, scores);

        public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output) => _float.AttentionValues(site, probabilities, v, output);
    }

    /// <summary>Relative L2 distance between the original and the folded model's forward with guidance on seeded input.</summary>
    private static double FoldedForwardError(DitWeights weights, SmoothedWeights smoothed)
    {
        var m = weights.Model;
        var values = new float[2 * m.InChannels * m.LatentSize * m.LatentSize];
        PhiloxRandom.FillNormal(values, 5);
        using var x = Tensor.From(values, 2, m.InChannels, m.LatentSize, m.LatentSize);
        using var t = Tensor.From(new[] { 999f, 421f }, 2);
        using var labels = Tensor.From(new[] { 3, 8 }, 2);
        using var expected = Tensor.Empty(2, m.OutChannels, m.LatentSize, m.LatentSize);
        using var actual = Tensor.Empty(2, m.OutChannels, m.LatentSize, m.LatentSize);
        using (var original = new DitModel(weights, Backend))
            original.ForwardWithCfg(x, t, labels, 1.5f, expected);
        using (var folded = new DitModel(weights, Backend, new FoldedOperators(smoothed, Backend)))
            folded.ForwardWithCfg(x, t, labels, 1.5f, actual);
        return RelativeError(expected.AsSpan<float>(), actual.AsSpan<float>());
    }

    [Fact]
    public void Smoothquant_folding_keeps_the_function_with_factors_over_three_decades()
    {
        // α = 1 makes s exactly the planted channel maxima (s = a¹/w⁰), here e^-3.5 .. e^3.5.
        var plan = PlanOf("weights int4\nsmooth smoothquant alpha 1 on qkv, proj, fc1, fc2, adaln\ncalibrate samples 1");
        using var weights = Weights(plan);
        var statistics = new CalibrationStatistics();
        ulong seed = 20;
        foreach (var block in weights.Blocks)
        {
            foreach (var layer in new[] { block.Qkv, block.Proj, block.Fc1, block.Fc2, block.AdaLN })
            {
                var a = new float[layer.InFeatures];
                PhiloxRandom.FillNormal(a, seed++);
                for (var j = 0; j < a.Length; j++)
                    a[j] = MathF.Exp(Math.Clamp(a[j], -1.75f, 1.75f) * 2f);
                statistics.ChannelMaxima[layer.Name] = new TemporalChannelMax(layer.InFeatures);
                statistics.ChannelMaxima[layer.Name].Observe(0, a, 1, layer.Name);
            }
        }
        using var smoothed = SmoothedWeights.Build(plan, weights, statistics, 0);

        foreach (var (name, maxima) in statistics.ChannelMaxima)
            Assert.Equal(maxima.Aggregate(name), smoothed.Factors[name]);
        var b = weights.Blocks[1];
        // qkv, proj, fc1 are folded upstream (their inputs arrive divided); fc2 and adaln divide on the fly.
        foreach (var layer in new[] { b.Qkv, b.Proj, b.Fc1 })
        {
            Assert.Null(smoothed.OnTheFly(layer.Name));
            Assert.Same(smoothed.Folded(layer), smoothed.Quantizable(layer));
        }
        Assert.Equal(smoothed.Factors[b.Fc2.Name], smoothed.OnTheFly(b.Fc2.Name));
        Assert.Same(b.Fc2, smoothed.Folded(b.Fc2));
        var w = b.Fc2.Weight.ToArray<float>();
        SmoothFolding.ScaleColumns(w, b.Fc2.OutFeatures, b.Fc2.InFeatures, smoothed.Factors[b.Fc2.Name]);
        Assert.Equal(w, smoothed.Quantizable(b.Fc2).Weight.ToArray<float>());
        // proj's factors sit in qkv's V rows: qkv's folded weight is W_qkv·diag(s_qkv) with rows 2D.. divided by s_proj.
        var qkv = b.Qkv.Weight.ToArray<float>();
        SmoothFolding.ScaleColumns(qkv, b.Qkv.OutFeatures, b.Qkv.InFeatures, smoothed.Factors[b.Qkv.Name]);
        var folded = smoothed.Folded(b.Qkv).Weight.ToArray<float>();
        int d = plan.Model.Hidden, row = 2 * d + 5, col = 7;
        Assert.Equal(qkv[row * d + col] / smoothed.Factors[b.Proj.Name][5], folded[row * d + col], 6);
        Assert.Equal(qkv[3 * d + col], folded[3 * d + col]);

        var error = FoldedForwardError(weights, smoothed);
        Assert.True(error < 2e-6, $"folded model differs from the original by {error:E2}");
    }

    [Fact]
    public void Ditas_folding_with_searched_alpha_and_low_rank_keeps_the_function()
    {
        var plan = PlanOf("weights int4\nactivations int8\nsmooth ditas alpha search 0..1 by 0.25 lowrank 2\ncalibrate samples 2 steps all batch 2");
        using var weights = Weights(plan);
        var (_, smoothed) = Calibrator.Prepare(plan, weights, Backend, null, default);
        using var _ = smoothed;
        Assert.Equal(8, smoothed.Factors.Count);
        Assert.Contains(smoothed.Factors.Values, s => s.Any(v => Math.Abs(v - 1) > 0.1f)); // the factors do change the weights
        Assert.Equal(new LowRank(2, LowRank.DefaultIterations), smoothed.LowRankOf("blocks.0.mlp.fc2"));
        var error = FoldedForwardError(weights, smoothed);
        Assert.True(error < 2e-6, $"folded model differs from the original by {error:E2}");
    }

    [Theory]
    [InlineData("smooth smoothquant alpha 0.5 on qkv, proj, fc1, fc2, adaln")]
    [InlineData("smooth ditas alpha search 0..1 by 0.5")]
    public void A_float_recipe_with_smoothing_samples_what_the_float_model_samples(string smooth)
    {
        // PlanOperators runs the folded model; with float weights and activations nothing else changes the result.
        var result = RecipeRunner.Run(PlanOf($"weights fp\nactivations fp on all\n{smooth}\ncalibrate samples 2"), Settings(), ComputeDevices.Cpu);
        Assert.True(result.FinalRelativeError < 1e-5, $"final latents differ by {result.FinalRelativeError:E2}");
        for (var step = 0; step < 4; step++)
        {
            foreach (var op in new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 })
                Assert.True(result.OperatorErrors!.Get(new Step(step), new Block(1), op) < 1e-6, $"step {step} {op}: {result.OperatorErrors!.Get(new Step(step), new Block(1), op):E2}");
        }
    }
}
