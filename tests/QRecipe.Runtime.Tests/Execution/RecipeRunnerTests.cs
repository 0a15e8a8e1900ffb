using System;
using System.Linq;
using System.Threading;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Recipes executed on a tiny synthetic DiT, with fidelity measured against floating point.</summary>
public sealed class RecipeRunnerTests
{
    private static RecipePlan Plan(string body, string sampler = "ddim steps 4 cfg 1.5")
    {
        var text = $"recipe T\nmodel custom {{ depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler {sampler}\n{body}\n";
        var compilation = RecipeCompiler.Compile(text);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static RunResult Run(RecipePlan plan, bool compare = true, float[]? noise = null, CancellationToken token = default) =>
        RecipeRunner.Run(plan, new RunSettings(2, new[] { 1, 7 }, Seed: 3, Checkpoint: null, SyntheticWeightSeed: 11, compare, noise), ComputeDevices.Cpu,
            cancellation: token);

    [Fact]
    public void Float_recipe_reproduces_the_float_model_exactly()
    {
        var result = Run(Plan("weights fp\nactivations fp on all"));
        Assert.Equal(0.0, result.FinalRelativeError);
        Assert.Equal(result.FloatLatents, result.Latents);
        for (var step = 0; step < 4; step++)
        {
            foreach (var op in Operators.PerBlock)
                Assert.Equal(0.0, result.OperatorErrors!.Get(new Step(step), new Block(1), op));
        }
        Assert.Empty(result.WeightReports);
    }

    [Fact]
    public void Eight_bits_are_far_more_faithful_than_four()
    {
        var w8a8 = Run(Plan("weights int8 per-channel\nactivations int8 per-token dynamic on all")).FinalRelativeError!.Value;
        var w4a8 = Run(Plan("weights int4 per-channel\nactivations int8 per-token dynamic on all")).FinalRelativeError!.Value;
        Assert.True(w8a8 > 0, "quantization must change something");
        Assert.True(w8a8 * 4 < w4a8, $"W8A8 error {w8a8:E2} should be far below W4A8 error {w4a8:E2}");
    }

    [Fact]
    public void Weights_are_quantized_once_per_layer_and_setting()
    {
        // Two weight settings for qkv (int8 early, int4 late): qkv gets two versions in each of the 2 blocks.
        var result = Run(Plan("weights int8 per-channel\nat steps last 2 {\n  weights int4 per-channel on qkv\n}"));
        var layers = result.WeightReports.Select(r => r.Layer).ToList();
        Assert.Equal(2, layers.Count(l => l == "blocks.0.attn.qkv"));
        Assert.Equal(1, layers.Count(l => l == "blocks.0.mlp.fc1"));
        // Per block: qkv twice, proj, fc1, fc2, adaLN once = 6 versions; 2 blocks. embed and final stay fp.
        Assert.Equal(12, layers.Count);
    }

    [Fact]
    public void Sc_attention_runs_only_in_its_cells_and_shorter_streams_cost_fidelity()
    {
        var plan = Plan("activations int8\nsc precision 8 {\n  qk blocks 1 steps noisiest 50% stream 256\n}");
        var result = Run(plan);
        var errors = result.OperatorErrors!;
        Assert.True(errors.Get(new Step(0), new Block(1), Operator.Qk) > 0);
        Assert.Equal(0.0, errors.Get(new Step(0), new Block(0), Operator.Qk)); // block 0 keeps float qk: 'activations int8' covers the linear layers only
        Assert.Equal(0.0, errors.Get(new Step(3), new Block(1), Operator.Qk)); // SC only in the noisiest 2 of 4 steps
        var shortStream = Run(Plan("activations int8\nsc precision 8 {\n  qk blocks 1 steps noisiest 50% stream 32\n}")).OperatorErrors!;
        Assert.True(shortStream.Get(new Step(0), new Block(1), Operator.Qk) > errors.Get(new Step(0), new Block(1), Operator.Qk),
            $"L=32 error {shortStream.Get(new Step(0), new Block(1), Operator.Qk):E2} vs L=256 error {errors.Get(new Step(0), new Block(1), Operator.Qk):E2}");
    }

    [Fact]
    public void Given_noise_makes_ddim_deterministic()
    {
        var noise = Enumerable.Range(0, 2 * 4 * 64).Select(i => (float)Math.Sin(i)).ToArray();
        var plan = Plan("weights int8 per-channel");
        var a = Run(plan, compare: false, noise);
        var b = Run(plan, compare: false, noise);
        Assert.Equal(a.Latents, b.Latents);
        Assert.NotEqual(Run(plan, compare: false).Latents, a.Latents);
    }

    [Fact]
    public void Ddim_with_eta_draws_its_step_noise_from_the_run_seed()
    {
        var initial = Enumerable.Range(0, 2 * 4 * 64).Select(i => (float)Math.Sin(i)).ToArray();
        float[] Latents(string sampler, ulong seed) => RecipeRunner.Run(Plan("weights fp\nactivations fp on all", sampler),
            new RunSettings(2, new[] { 1, 7 }, seed, Checkpoint: null, SyntheticWeightSeed: 11, CompareFloat: false, initial), ComputeDevices.Cpu).Latents;

        // From given latents, eta 0 ignores the seed; eta 0.5 adds seeded noise at every step but the last.
        Assert.Equal(Latents("ddim steps 4 cfg 1.5", 3), Latents("ddim steps 4 cfg 1.5", 4));
        var stochastic = Latents("ddim steps 4 cfg 1.5 eta 0.5", 3);
        Assert.Equal(stochastic, Latents("ddim steps 4 cfg 1.5 eta 0.5", 3));
        Assert.NotEqual(stochastic, Latents("ddim steps 4 cfg 1.5 eta 0.5", 4));
        Assert.NotEqual(stochastic, Latents("ddim steps 4 cfg 1.5", 3));
        // The float comparison samples from the same noise: a float recipe matches it exactly.
        Assert.Equal(0.0, Run(Plan("weights fp\nactivations fp on all", "ddim steps 4 cfg 1.5 eta 0.5")).FinalRelativeError);
    }

    [Fact]
    public void Cancellation_stops_between_steps()
    {
        using var source = new CancellationTokenSource();
        var steps = 0;
        var progress = new Progress(p =>
        {
            if (p.Phase == "sample" && ++steps == 2)
                source.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => RecipeRunner.Run(Plan("weights int8 per-channel"),
            new RunSettings(1, null, 1, null, 2, CompareFloat: false), ComputeDevices.Cpu, progress, source.Token));
        Assert.Equal(2, steps);
    }

    private sealed class Progress : IProgress<RunProgress>
    {
        private readonly Action<RunProgress> _report;

        public Progress(Action<RunProgress> report) => _report = report;

        public void Report(RunProgress value) => _report(value);
    }
}
