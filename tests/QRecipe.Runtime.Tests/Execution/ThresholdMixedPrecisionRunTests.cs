using System;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>
/// Adaptive threshold and range mixed precision in the runner: a cell's product equals the SC engine called directly
/// at lengths worked out by hand (rows whose metrics are known by construction; weight groups whose ranges the test
/// computes from the weights itself), and whole runs where the rules change the samples and the booked stream work
/// matches the expected split.
/// </summary>
public sealed class ThresholdMixedPrecisionRunTests
{
    private const string Quantizers = "weights int8 per-channel\nactivations int8 on all\n";

    private static RecipePlan Plan(string body, int steps = 2)
    {
        var text = $"recipe T\nmodel custom {{ depth 1 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler ddim steps {steps} cfg 1.5\n{body}\n";
        var compilation = RecipeCompiler.Compile(text);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    /// <summary>8 rows of 32 with small values and one entry (r + 1)·10 in row r: max |x| is 10, 20, …, 80, so the
    /// normalised metric of row r is r/7.</summary>
    private static float[] RankedRows()
    {
        var x = Enumerable.Range(0, 8 * 32).Select(i => (float)Math.Sin(0.7 * i + 1)).ToArray();
        for (var r = 0; r < 8; r++)
            x[r * 32 + (5 * r) % 32] = (r + 1) * 10;
        return x;
    }

    /// <summary>fc1 of a one-block model (32 → 128) run through the plan's operators at one step.</summary>
    private static (float[] Output, float[] Weights, float[] Bias, ScOperatorCompute Compute) RunFc1(RecipePlan plan, int step, float[] x)
    {
        using var weights = DitWeights.Synthetic(plan.Model, CpuBackend.Instance, 5);
        using var smoothed = SmoothedWeights.None();
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, null);
        using var operators = new PlanOperators(plan, quantized, smoothed, null, ComputeDevices.Cpu, 21) { Step = step };
        var fc1 = weights.Blocks[0].Fc1;
        using var input = Tensor.From(x, 8, 32);
        using var output = Tensor.Empty(8, 128);
        operators.Linear(new LayerSite(0, Operator.Fc1, fc1.Name), input, fc1, output);
        var compute = operators.ScCompute.Operators.Single(o => o.Operator == Operator.Fc1);
        return (output.AsSpan<float>().ToArray(), quantized.For(fc1, plan.Get(new Step(step), new Block(0), Operator.Fc1).Weights).AsSpan<float>().ToArray(),
            fc1.Bias.AsSpan<float>().ToArray(), compute);
    }

    private static float[] WithBias(float[] product, float[] bias) => product.Select((v, i) => v + bias[i % bias.Length]).ToArray();

    /// <summary>Steps 2: θ = α + β = 0.6 at step 0 and β = 0.1 at step 1. Levels 256 64 0: boundaries 0.6 and 0.3 at
    /// step 0, so rows 5..7 (m̂ ≥ 0.714) run at 256, rows 3 and 4 (0.429, 0.571) at 64 and rows 0..2 are pruned; at
    /// step 1 (boundaries 0.1, 0.05) rows 1..7 run at 256 and row 0 (m̂ = 0) is pruned.</summary>
    [Theory]
    [InlineData(0, new[] { 0, 0, 0, 64, 64, 256, 256, 256 })]
    [InlineData(1, new[] { 0, 256, 256, 256, 256, 256, 256, 256 })]
    public void Adaptive_linear_equals_the_engine_at_the_hand_computed_row_lengths(int step, int[] rows)
    {
        var plan = Plan(Quantizers + "sc precision 8 {\n  fc1 stream 256\n  mp fc1 levels 256 64 0 adaptive alpha 0.5 beta 0.1\n}");
        var x = RankedRows();
        var (actual, weights, bias, compute) = RunFc1(plan, step, x);
        var expected = ScMixedPrecision.Multiply(x, 8, weights, 128, 32, new ScOptions { Precision = 8, Stream = 256 }, rows).Output;
        Assert.Equal(WithBias(expected, bias), actual);
        Assert.Equal(rows.Sum() * 128L * 32, compute.StreamMacs);
    }

    /// <summary>The expected group lengths, computed here from the weights: groups of 16 rows, range max − min,
    /// normalised over the groups, boundaries 0.4 and 0.2, then capped at the cell's 128.</summary>
    private static int[] ExpectedRangeStreams(float[] weights)
    {
        var ranges = Enumerable.Range(0, 8).Select(g =>
        {
            var group = weights.Skip(g * 16 * 32).Take(16 * 32).ToArray();
            return (double)group.Max() - group.Min();
        }).ToArray();
        var (low, high) = (ranges.Min(), ranges.Max());
        int[] levels = [256, 64, 16];
        return ranges.Select(r =>
        {
            var normalized = (r - low) / (high - low + 1e-8);
            var level = (normalized < 0.4 ? 1 : 0) + (normalized < 0.2 ? 1 : 0);
            return Math.Min(levels[level], 128);
        }).ToArray();
    }

    [Fact]
    public void Range_linear_equals_the_engine_at_group_lengths_from_the_weight_ranges()
    {
        var plan = Plan(Quantizers + "sc precision 8 {\n  fc1 stream 128\n  range fc1 levels 256 64 16 threshold 0.4 group 16\n}");
        var x = RankedRows();
        var (actual, weights, bias, compute) = RunFc1(plan, 0, x);
        var groups = ExpectedRangeStreams(weights);
        // The synthetic weights spread the groups over the levels, so the test sees more than one length.
        Assert.True(groups.Distinct().Count() > 1, string.Join(" ", groups));
        var rows = Enumerable.Repeat(128, 8).ToArray();
        var expected = ScMixedPrecision.Multiply(x, 8, weights, 128, 32, new ScOptions { Precision = 8, Stream = 128 }, rows, groups, 16).Output;
        Assert.Equal(WithBias(expected, bias), actual);
        Assert.Equal(8L * 32 * 16 * groups.Sum(), compute.StreamMacs);
    }

    private static RunResult Run(RecipePlan plan) =>
        RecipeRunner.Run(plan, new RunSettings(1, [3], 3, Checkpoint: null, SyntheticWeightSeed: 11, false), ComputeDevices.Cpu);

    /// <summary>θ = 0 at every step puts every slice at the first level, which is the cell's stream: the run equals the
    /// run without the rule, bit for bit. A real threshold changes the samples and books the two lengths only: qk has
    /// 4 slices (2 batch rows × 2 heads) of 16 × 16 × 16 per step, each at 128 or 32, and at each of the 2 steps the
    /// slice of the largest max |Q| (m̂ = 1) stays long and the smallest (m̂ = 0 &lt; θ) drops.</summary>
    [Fact]
    public void Adaptive_rule_changes_a_whole_run_and_books_one_of_its_levels_per_slice()
    {
        const string sc = "sc precision 8 {\n  qk, fc1 stream 128\n";
        var plain = Run(Plan(Quantizers + sc + "}"));
        var zero = Run(Plan(Quantizers + sc + "  mp qk levels 128 32 adaptive alpha 0 beta 0\n}"));
        Assert.Equal(plain.Latents, zero.Latents);

        var adaptive = Run(Plan(Quantizers + sc + "  mp qk levels 128 32 adaptive alpha 0.9 beta 0.05\n}"));
        Assert.NotEqual(plain.Latents, adaptive.Latents);
        var qk = adaptive.ScCompute.Operators.Single(o => o.Operator == Operator.Qk);
        const long slice = 16L * 16 * 16;
        Assert.Equal(2 * 4 * slice * 256, qk.FullLengthStreamMacs); // full length is 2^8
        var longSlices = (qk.StreamMacs / slice - 8 * 32) / (128 - 32);
        Assert.Equal(qk.StreamMacs, slice * (8 * 32 + longSlices * 96));
        Assert.InRange(longSlices, 2, 6);
    }

    [Fact]
    public void Range_rule_changes_a_whole_run_and_books_the_group_lengths_of_the_weights()
    {
        const string sc = "sc precision 8 {\n  fc1 stream 128\n";
        var plain = Run(Plan(Quantizers + sc + "}"));
        var plan = Plan(Quantizers + sc + "  range fc1 levels 256 64 16 threshold 0.4 group 16\n}");
        var ranged = Run(plan);
        Assert.NotEqual(plain.Latents, ranged.Latents);

        using var weights = DitWeights.Synthetic(plan.Model, CpuBackend.Instance, 11);
        using var smoothed = SmoothedWeights.None();
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, null);
        var fc1 = quantized.For(weights.Blocks[0].Fc1, plan.Get(new Step(0), new Block(0), Operator.Fc1).Weights).AsSpan<float>().ToArray();
        var groups = ExpectedRangeStreams(fc1);
        // 2 steps, 2 batch rows of 16 tokens, 32 inputs, 16 outputs per group.
        Assert.Equal(2 * 32L * 32 * 16 * groups.Sum(), ranged.ScCompute.Operators.Single(o => o.Operator == Operator.Fc1).StreamMacs);
        Assert.True(ranged.Budget.IsBound);
    }
}
