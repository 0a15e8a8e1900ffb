using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Cli.Run;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Cli.Tests;

/// <summary>The run's report writers on a result whose measured numbers are NaN and ±∞ (an error against a zero
/// reference, an overflowed measurement): report.json writes each as null (JSON has neither), report.md, the printed
/// summary and the latent picture do not throw, debug_sc.csv keeps the round-trip text.</summary>
public sealed class ReportNonFiniteTests
{
    private static RunResult Result()
    {
        var compilation = RecipeCompiler.Compile($"recipe Tiny\n{TinyDitCheckpoint.ModelLine}\nsampler ddim steps 2 cfg 1.5\n"
            + "weights int8 per-channel\nactivations int8 on all\nsc precision 8 debug { qk stream 64 }\n");
        var plan = compilation.Plan!;
        var errors = new double[plan.Steps * plan.SlotsPerStep];
        errors.AsSpan().Fill(0.5);
        errors[plan.Slot(0, Operator.Qk)] = double.PositiveInfinity; // step 0, block 0
        errors[plan.Slot(1, Operator.Qk)] = double.PositiveInfinity; // step 0, block 1
        errors[plan.SlotsPerStep + plan.Slot(0, Operator.Fc2)] = double.NaN; // step 1: fc2 did not run in block 0 ...
        errors[plan.SlotsPerStep + plan.Slot(1, Operator.Fc2)] = double.NaN; // ... nor in block 1
        var weight = plan.Palette.First(s => !s.Weights.IsFloat).Weights;
        var latents = new float[2 * 4 * 8 * 8];
        latents[3] = float.NaN;
        latents[5] = float.PositiveInfinity;
        return new RunResult
        {
            Plan = plan,
            Labels = [1, 2],
            Latents = latents,
            FloatLatents = new float[latents.Length],
            FinalRelativeError = double.NaN,
            OperatorErrors = new OperatorErrors(plan, errors),
            WeightReports = [new WeightQuantReport("blocks.0.attn.qkv", weight, 3072, 96, double.NaN), new WeightQuantReport("blocks.0.attn.proj", weight, 1024, 32, double.PositiveInfinity)],
            SmoothingReports = [],
            Budget = PlanBudget.Of(plan),
            ScCompute = new ScComputeReport(Operators.All.Select(op => new ScOperatorCompute(op, 0, 0, 0)).ToList()),
            ScDebug = [new ScDebugRecord(0, 0, Operator.Qk, 512, double.PositiveInfinity, double.NaN, double.NegativeInfinity, double.NaN, 0)],
            Times = new PhaseTimes(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            WeightSource = "synthetic weights, seed 0",
        };
    }

    [Fact]
    public void Json_writes_non_finite_numbers_as_null()
    {
        var report = JsonDocument.Parse(RunReport.Json(Result(), "tiny.qrecipe", 1 << 20)).RootElement;
        var fidelity = report.GetProperty("fidelity");
        Assert.Equal(JsonValueKind.Null, fidelity.GetProperty("final_relative_l2").ValueKind);
        var perStep = fidelity.GetProperty("operator_relative_l2_per_step");
        // qk at step 0 is RMS(∞, ∞) = ∞, at step 1 RMS(0.5, 0.5) = 0.5; fc2 at step 1 did not run (NaN in every block).
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Number], perStep.GetProperty("qk").EnumerateArray().Select(e => e.ValueKind));
        Assert.Equal(0.5, perStep.GetProperty("qk")[1].GetDouble());
        Assert.Equal([JsonValueKind.Number, JsonValueKind.Null], perStep.GetProperty("fc2").EnumerateArray().Select(e => e.ValueKind));
        var layers = report.GetProperty("weight_storage").GetProperty("layers").EnumerateArray().ToList();
        Assert.All(layers, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("relative_error").ValueKind));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("sc_debug").GetProperty("max_relative_l2").ValueKind);
    }

    [Fact]
    public void Markdown_and_summary_show_a_dash()
    {
        var result = Result();
        var markdown = RunReport.Markdown(result, "tiny.qrecipe", 1 << 20);
        Assert.Contains("relative L2 error **—**", markdown);
        Assert.Contains("| qk | — | 5.000e-1 | 5.000e-1 |", markdown);
        Assert.Contains("Largest relative L2 error — (qk, block 0, step 0)", markdown);
        var summary = new StringWriter();
        RunSummary.Write(result, summary);
        Assert.Matches(@"\n  qk\s+—\s", summary.ToString());
    }

    [Fact]
    public void Debug_csv_keeps_round_trip_text()
    {
        var csv = ScDebugCsv.Format(Result().ScDebug).Split('\n');
        Assert.Equal("0,0,qk,512,Infinity,NaN,-Infinity,NaN,0", csv[1]);
    }

    [Fact]
    public void The_latent_picture_skips_non_finite_values()
    {
        // One sample, one 2x2 channel: 1, 3, NaN, +Inf. Mean 2 and deviation 1 of the finite values, so 1 and 3 map to
        // (x − 2)/6 + 0.5 = 1/3 and 2/3 of 255; NaN draws 0, +Inf 255.
        var (_, _, rgb) = LatentImage.Render([1f, 3f, float.NaN, float.PositiveInfinity], 1, 1, 2, 1);
        Assert.Equal(new byte[] { 85, 170, 0, 255 }, Enumerable.Range(0, 4).Select(i => rgb[3 * i]).ToArray());
    }
}
