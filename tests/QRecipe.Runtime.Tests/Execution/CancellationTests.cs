using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Long phases report progress before their first unit finishes and stop within one inner iteration of a
/// stop request: per GPTQ column block, per smoothed layer, per product of a calibration forward. Iterations are
/// counted from the progress reports, never timed.</summary>
public sealed class CancellationTests
{
    // Hidden 256: GPTQ works through qkv, proj, fc1 and adaLN in 2 column blocks of 128 and fc2 in 8.
    private const string Model = "model custom { depth 2 hidden 256 heads 2 patch 2 latent 8 classes 10 }";

    private static RecipePlan Plan(string body)
    {
        var compilation = RecipeCompiler.Compile($"recipe T\n{Model}\nsampler ddim steps 2\n{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    /// <summary>Runs the plan, cancelling at the first report <paramref name="stopAt"/> accepts; returns every report
    /// and the index of the one that stopped the run.</summary>
    private static (List<RunProgress> Reports, int StoppedAt) RunUntil(RecipePlan plan, Func<RunProgress, bool> stopAt)
    {
        using var source = new CancellationTokenSource();
        var reports = new List<RunProgress>();
        var stoppedAt = -1;
        var progress = new Progress(p =>
        {
            reports.Add(p);
            if (stoppedAt < 0 && stopAt(p))
            {
                stoppedAt = reports.Count - 1;
                source.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            RecipeRunner.Run(plan, new RunSettings(1, new[] { 3 }, 5, null, 7, CompareFloat: false), ComputeDevices.Cpu, progress, source.Token));
        Assert.True(stoppedAt >= 0, "the stop condition was never reported: " + string.Join(" | ", reports));
        return (reports, stoppedAt);
    }

    [Fact]
    public void Gptq_reports_column_blocks_and_stops_after_the_current_one()
    {
        var (reports, stoppedAt) = RunUntil(Plan("weights int4 gptq\ncalibrate samples 1 steps 0 batch 1"),
            p => p.Phase == "quantize" && p.Detail?.Contains("columns 128/256", StringComparison.Ordinal) == true);

        var quantize = reports.Where(p => p.Phase == "quantize").ToList();
        // 0 of the layers at once, then the first layer: its Hessian factorisation and inverse every block of 128
        // columns and its first column block, all before any layer finished.
        Assert.Equal(new RunProgress("quantize", 0, 10), quantize[0]);
        Assert.Equal(
            new[] { "", ": Hessian factor 0/256", ": Hessian factor 128/256", ": Hessian inverse 0/256", ": Hessian inverse 128/256", ": columns 128/256" }
                .Select(stage => "blocks.0.attn.qkv (gptq)" + stage),
            quantize.Skip(1).Select(p => p.Detail));
        // The stop is acknowledged at once, and no further column block or layer is done.
        Assert.Equal(RunProgress.StopRequested, reports[stoppedAt + 1]);
        Assert.Equal(stoppedAt + 2, reports.Count);
        Assert.DoesNotContain(quantize, p => p.Done > 0);
    }

    [Fact]
    public void Calibration_reports_products_inside_a_step_and_stops_before_the_next_one()
    {
        var (reports, stoppedAt) = RunUntil(Plan("weights int4 gptq\ncalibrate samples 2 steps 0, 1 batch 1"),
            p => p.Phase == "calibrate" && p.Detail?.EndsWith(": blocks.1.adaLN_modulation.1", StringComparison.Ordinal) == true);

        // 2 batches of 2 steps; reported as 0 of 4 before the first forward, then product by product.
        Assert.Equal(new RunProgress("calibrate", 0, 4), reports[0]);
        Assert.Equal(new RunProgress("calibrate", 0, 4, "batch 1/2, step 1/2: x_embedder.proj"), reports[1]);
        // The first product of block 1 follows the 3 embedding products and the 7 of block 0 (adaln, qkv, qk, av,
        // proj, fc1, fc2); the stop lets none of them run, and no step finished.
        Assert.Equal(1 + 3 + 7, stoppedAt);
        Assert.Equal(RunProgress.StopRequested, reports[stoppedAt + 1]);
        Assert.Equal(stoppedAt + 2, reports.Count);
    }

    [Fact]
    public void Smoothing_reports_each_layer_and_stops_before_the_next()
    {
        var (reports, stoppedAt) = RunUntil(Plan("weights int8 per-channel\nactivations int8 per-token dynamic on all\nsmooth smoothquant alpha 0.5 on fc1, fc2\ncalibrate samples 1 steps 0 batch 1"),
            p => p.Phase == "smooth" && p.Done == 1);

        var smooth = reports.Where(p => p.Phase == "smooth").ToList();
        Assert.Equal(new RunProgress("smooth", 0, 4), smooth[0]);
        Assert.Equal(new RunProgress("smooth", 0, 4, "blocks.0.mlp.fc1 (smoothquant)"), smooth[1]);
        Assert.Equal(RunProgress.StopRequested, reports[stoppedAt + 1]);
        Assert.Equal(stoppedAt + 2, reports.Count);
    }

    private sealed class Progress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
