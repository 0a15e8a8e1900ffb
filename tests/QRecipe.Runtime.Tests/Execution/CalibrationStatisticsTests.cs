using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Quantization.SecondOrder;
using static QRecipe.Runtime.Tests.Execution.CalibrationTestModel;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>What a calibration run keeps, against direct computations on the layer inputs an independent replay of
/// the calibration protocol captured (<see cref="CalibrationTestModel.Replay"/>).</summary>
public sealed class CalibrationStatisticsTests
{
    private static CalibrationStatistics Calibrate(RecipePlan plan, DitWeights weights, List<RunProgress>? progress = null)
    {
        var (statistics, smoothed) = Calibrator.Prepare(plan, weights, Backend, progress is null ? null : new ListProgress(progress), default);
        smoothed.Dispose();
        return statistics!;
    }

    [Fact]
    public void Hessians_and_static_ranges_equal_direct_computations_at_the_chosen_steps_and_samples()
    {
        // 3 samples in batches of 2 (2 + 1), statistics at steps 1 and 3 of 4; guidance doubles every batch.
        var plan = PlanOf("weights int4 gptq\nactivations int8 static on all\ncalibrate samples 3 steps 1, 3 batch 2");
        using var weights = Weights(plan);
        var statistics = Calibrate(plan, weights);
        var captured = Replay(plan, weights).Inputs;

        var linear = new[] { "attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2", "adaLN_modulation.1" };
        var layers = Enumerable.Range(0, 2).SelectMany(b => linear.Select(l => $"blocks.{b}.{l}")).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(layers, statistics.Hessians.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var layer in layers)
        {
            var hessian = statistics.Hessian(layer)!;
            Assert.Equal(2 * 3 * 2, hessian.Samples); // (cond + uncond) x 3 samples x 2 steps
            Assert.Equal(new[] { 1, 1, 3, 3 }, captured[layer].Select(c => c.Step).OrderBy(s => s));
            var expected = DirectHessian(captured[layer], hessian.Columns);
            var actual = hessian.Hessian();
            // Float32 products summed over at most RowBlock rows (SymmetricRankUpdate): |ΔHᵢⱼ| ≤ γ·(2/n)·Σ|xᵢxⱼ|, and by
            // Cauchy–Schwarz (2/n)·Σ|xᵢxⱼ| ≤ sqrt(Hᵢᵢ·Hⱼⱼ).
            const double u = 1.0 / (1 << 24);
            const double gamma = SymmetricRankUpdate.RowBlock * u / (1 - SymmetricRankUpdate.RowBlock * u) + 1e-12;
            var n = hessian.Columns;
            for (var i = 0; i < expected.Length; i++)
            {
                var limit = gamma * Math.Sqrt(expected[i / n * (n + 1)] * expected[i % n * (n + 1)]);
                Assert.True(Math.Abs(expected[i] - actual[i]) <= limit, $"{layer} H[{i / n}, {i % n}]: {actual[i]} vs {expected[i]}");
            }
        }

        // One range per operand of every linear layer and of both attention products, 2 batches x 2 steps each.
        var operands = layers.Select(l => CalibrationStatistics.OperandKey(l, 0))
            .Concat(Enumerable.Range(0, 2).SelectMany(b => new[] { "qk", "av" }.SelectMany(p =>
                new[] { 0, 1 }.Select(i => CalibrationStatistics.OperandKey($"blocks.{b}.attn.qkv.{p}", i)))))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(operands, statistics.Ranges.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var key in operands)
        {
            var range = statistics.Ranges[key];
            var operand = captured.GetValueOrDefault(key) ?? captured[key[..^2]]; // a linear layer's input is kept by its name
            var (min, max) = Ema(operand.Select(c => c.Values));
            Assert.Equal(4, range.Batches);
            Assert.Equal(min, range.Min);
            Assert.Equal(max, range.Max);
        }
        Assert.Empty(statistics.ChannelMaxima);
    }

    [Fact]
    public void Channel_maxima_are_kept_per_layer_and_per_step()
    {
        var plan = PlanOf("weights int8\nsmooth smoothquant alpha 0.5\ncalibrate samples 3 steps 0, 2 batch 2");
        using var weights = Weights(plan);
        var statistics = Calibrate(plan, weights);
        var captured = Replay(plan, weights).Inputs;

        var smoothed = Enumerable.Range(0, 2).SelectMany(b => new[] { "attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2" }.Select(l => $"blocks.{b}.{l}"))
            .OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(smoothed, statistics.ChannelMaxima.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var (layer, maxima) in statistics.ChannelMaxima)
        {
            Assert.Equal(new[] { 0, 2 }, maxima.Steps);
            foreach (var step in new[] { 0, 2 })
                Assert.Equal(DirectChannelMax(captured[layer].Where(c => c.Step == step), maxima.Channels), maxima.Aggregate(layer, new[] { step }));
            Assert.Equal(DirectChannelMax(captured[layer], maxima.Channels), maxima.Aggregate(layer));
        }
        // Smoothing alone needs one pass and no ranges or Hessians.
        Assert.Empty(statistics.Ranges);
        Assert.Empty(statistics.Hessians);
    }

    [Fact]
    public void With_smoothing_ranges_and_hessians_describe_the_smoothed_operands()
    {
        // Second pass through the folded model: qkv sees x/s (1/s folded into adaLN), fc2 divides by s on the fly.
        var plan = PlanOf("weights int4 gptq\nactivations int8 static\nsmooth smoothquant alpha 0.5\ncalibrate samples 2 steps all batch 2");
        using var weights = Weights(plan);
        var (statistics, smoothed) = Calibrator.Prepare(plan, weights, Backend, null, default);
        using var _ = smoothed;
        var captured = Replay(plan, weights).Inputs;
        foreach (var layer in new[] { "blocks.0.attn.qkv", "blocks.1.attn.proj", "blocks.1.mlp.fc1", "blocks.0.mlp.fc2" })
        {
            var s = smoothed.Factors[layer];
            var divided = captured[layer].Select(c => Divide(c.Values, s)).ToList();
            var (min, max) = Ema(divided);
            var range = statistics!.Range(layer, 0)!;
            Assert.True(Math.Abs(range.Min - min) <= 1e-5 * Math.Abs(min) && Math.Abs(range.Max - max) <= 1e-5 * Math.Abs(max),
                $"{layer}: range [{range.Min}, {range.Max}] vs [{min}, {max}] of x/s");
            var expected = DirectHessian(captured[layer].Select((c, i) => c with { Values = divided[i] }), s.Length);
            var error = Math.Sqrt(expected.Zip(statistics.Hessian(layer)!.Hessian(), (e, a) => (e - a) * (e - a)).Sum() / expected.Sum(e => e * e));
            Assert.True(error < 1e-5, $"{layer}: Hessian of x/s off by {error:E2}");
        }
    }

    [Fact]
    public void Retained_statistics_do_not_grow_with_the_number_of_samples()
    {
        static CalibrationStatistics With(int samples)
        {
            var plan = PlanOf($"weights int4 gptq\nactivations int8 static on all\nsmooth ditas alpha search 0..1 by 0.5\ncalibrate samples {samples} steps all batch 1");
            using var weights = Weights(plan);
            return Calibrate(plan, weights);
        }
        var one = With(1);
        var three = With(3);
        Assert.Equal(one.RetainedBytes, three.RetainedBytes);
        Assert.Equal(one.Ranges.Count, three.Ranges.Count);
        Assert.Equal(one.Hessians.Count, three.Hessians.Count);
        Assert.Equal(one.ChannelMaxima.Count, three.ChannelMaxima.Count);
        Assert.Equal(one.SearchInputs.Count, three.SearchInputs.Count);
        foreach (var (layer, inputs) in three.SearchInputs)
        {
            Assert.Equal(one.SearchInputs[layer].RetainedFloats, inputs.RetainedFloats);
            Assert.True(inputs.RetainedFloats <= SearchInputs.FloatsPerLayer);
            Assert.Equal(4, inputs.Steps.Count);
        }
        Assert.Equal(3 * 2 * 4, three.Hessians["blocks.0.mlp.fc1"].Samples); // all 24 sample-steps went into a fixed-size matrix
    }

    [Fact]
    public void Progress_counts_every_step_up_to_the_last_observed_one_of_every_batch_and_pass()
    {
        var progress = new List<RunProgress>();
        var plan = PlanOf("weights int4 gptq\ncalibrate samples 3 steps 2 batch 2");
        using (var weights = Weights(plan))
            Calibrate(plan, weights, progress);
        // Step 2 is the last observed one, so each batch samples steps 0..2 and stops: 0 of 6 before the first forward,
        // then every step (2 batches x 3 steps); the products in between carry a detail.
        Assert.Equal(Enumerable.Range(0, 7).Select(i => new RunProgress("calibrate", i, 6)), progress.Where(p => p.Detail is null));
        Assert.Equal(6 * (3 + 2 * 7 + 2), progress.Count(p => p.Detail is not null)); // embedding 3, 7 per block, final 2

        progress.Clear();
        var twoPasses = PlanOf("activations int8 static\nsmooth smoothquant alpha 0.5\ncalibrate samples 1 steps 2");
        using (var weights = Weights(twoPasses))
            Calibrate(twoPasses, weights, progress);
        var calibrate = progress.Where(p => p.Phase == "calibrate").ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(i => new RunProgress("calibrate", i, 6)), calibrate.Where(p => p.Detail is null)); // 2 passes x 1 batch x 3 steps
        Assert.Equal("pass 2/2, batch 1/1, step 3/3: final_layer.linear", calibrate[^2].Detail);
        // Smoothing factors are computed between the passes, layer by layer: qkv, proj, fc1 and fc2 of 2 blocks.
        Assert.Equal(new RunProgress("smooth", 0, 8), progress.First(p => p.Phase == "smooth"));
    }

    [Fact]
    public void A_run_reports_calibration_before_quantization_and_sampling()
    {
        var progress = new List<RunProgress>();
        RecipeRunner.Run(PlanOf("weights int4 gptq\ncalibrate samples 2 batch 1"), Settings(compare: false), ComputeDevices.Cpu, new ListProgress(progress));
        var phases = progress.Select(p => p.Phase).Distinct().ToList();
        Assert.Equal(new[] { "calibrate", "quantize", "sample" }, phases);
        Assert.Equal(new RunProgress("calibrate", 8, 8), progress.Last(p => p.Phase == "calibrate"));
    }

    /// <summary>H = 2·Σ XᵀX / n in float64 over every captured batch, n = the samples in them (GPTQ's Hessian).</summary>
    private static double[] DirectHessian(IEnumerable<Capture> batches, int columns)
    {
        var h = new double[columns * columns];
        long samples = 0;
        foreach (var batch in batches)
        {
            samples += batch.Samples;
            var x = batch.Values;
            for (var r = 0; r < x.Length / columns; r++)
            {
                for (var i = 0; i < columns; i++)
                {
                    for (var j = 0; j < columns; j++)
                        h[i * columns + j] += (double)x[r * columns + i] * x[r * columns + j];
                }
            }
        }
        for (var i = 0; i < h.Length; i++)
            h[i] *= 2.0 / samples;
        return h;
    }

    /// <summary>Per-channel max |x| over the batches, floored at DiTAS's 1e-4.</summary>
    private static float[] DirectChannelMax(IEnumerable<Capture> batches, int channels)
    {
        var max = Enumerable.Repeat(1e-4f, channels).ToArray();
        foreach (var batch in batches)
        {
            for (var i = 0; i < batch.Values.Length; i++)
                max[i % channels] = Math.Max(max[i % channels], Math.Abs(batch.Values[i]));
        }
        return max;
    }

    /// <summary>Q-DiT's static statistic: per batch min and max, EMA 0.9/0.1 in float32, first batch as is.</summary>
    private static (float Min, float Max) Ema(IEnumerable<float[]> batches)
    {
        float min = 0, max = 0;
        var first = true;
        foreach (var batch in batches)
        {
            float bmin = batch.Min(), bmax = batch.Max();
            (min, max) = first ? (bmin, bmax) : (0.9f * min + 0.1f * bmin, 0.9f * max + 0.1f * bmax);
            first = false;
        }
        return (min, max);
    }

    private static float[] Divide(float[] x, float[] s) => x.Select((v, i) => v / s[i % s.Length]).ToArray();

    private sealed class ListProgress(List<RunProgress> list) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => list.Add(value);
    }
}
