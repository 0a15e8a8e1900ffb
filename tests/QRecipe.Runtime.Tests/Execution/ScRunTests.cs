using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Whole runs with mixed precision, per-group lengths, the noise surrogate and debug on tiny synthetic DiTs.</summary>
public sealed class ScRunTests
{
    private static RecipePlan Plan(string body, string model = "depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10", int steps = 4)
    {
        var text = $"recipe T\nmodel custom {{ {model} }}\nsampler ddim steps {steps} cfg 1.5\n{body}\n";
        var compilation = RecipeCompiler.Compile(text);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static RunResult Run(RecipePlan plan, ulong seed = 3, int samples = 2, bool compare = false) =>
        RecipeRunner.Run(plan, new RunSettings(samples, Enumerable.Range(1, samples).ToArray(), seed, Checkpoint: null, SyntheticWeightSeed: 11, compare),
            ComputeDevices.Cpu);

    private const string Quantizers = "weights int8 per-channel\nactivations int8 on all\n";

    [Fact]
    public void Surrogate_runs_are_reproducible_from_the_seed_and_the_noise_matters()
    {
        var plan = Plan(Quantizers + "sc precision 8 noise {\n  all stream 64\n  qk heads 1 stream 32\n  fc1 groups 1 of 2 stream 16\n"
            + "  mp fc2 levels 64 32 0 fractions 0.5 0.4 0.1\n}");
        var first = Run(plan);
        Assert.Equal(first.Latents, Run(plan).Latents);
        Assert.NotEqual(first.Latents, Run(plan, seed: 4).Latents);
        var silent = Run(Plan(Quantizers + "sc precision 8 noise local 0 global 0 {\n  all stream 64\n  qk heads 1 stream 32\n  fc1 groups 1 of 2 stream 16\n"
            + "  mp fc2 levels 64 32 0 fractions 0.5 0.4 0.1\n}"));
        Assert.NotEqual(silent.Latents, first.Latents);
        Assert.All(first.Latents, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Surrogate_without_correction_reproduces_the_quantized_recipe_exactly()
    {
        var plain = Run(Plan(Quantizers));
        var surrogate = Run(Plan(Quantizers + "sc precision 8 noise local 0 global 0 {\n  all stream 64\n}"));
        Assert.Equal(plain.Latents, surrogate.Latents);
        Assert.True(surrogate.ScCompute.StreamMacs > 0);
    }

    [Fact]
    public void Stream_work_equals_a_hand_count()
    {
        // One block, hidden 32, 2 heads of 16, 16 tokens; 1 sample with guidance = 2 rows of the batch; 2 steps.
        var plan = Plan(Quantizers + "sc precision 8 {\n  qk stream 128\n  qk heads 1 stream 32\n  fc1 stream 64\n  fc1 groups 2..3 of 4 stream 16\n}",
            "depth 1 hidden 32 heads 2 patch 2 latent 8 classes 10", steps: 2);
        var compute = Run(plan, samples: 1).ScCompute;
        var fc1 = compute.Operators.Single(o => o.Operator == Operator.Fc1);
        var qk = compute.Operators.Single(o => o.Operator == Operator.Qk);
        // fc1: 32 token rows x 32 inputs; 64 outputs at 64 and 64 at 16.
        Assert.Equal(2, fc1.Calls);
        Assert.Equal(2 * 32L * 32 * (64 * 64 + 64 * 16), fc1.StreamMacs);
        Assert.Equal(2 * 32L * 32 * 128 * 256, fc1.FullLengthStreamMacs);
        // qk: 4 slices (2 batch rows x 2 heads) of 16 x 16 x 16; heads at 128 and 32.
        Assert.Equal(2 * 16L * 16 * 16 * (128 + 32 + 128 + 32), qk.StreamMacs);
        Assert.Equal(2 * 4L * 16 * 16 * 16 * 256, qk.FullLengthStreamMacs);
        Assert.Equal(fc1.StreamMacs + qk.StreamMacs, compute.StreamMacs);
        Assert.Equal(4, compute.Calls);
        Assert.Equal(1 - (double)compute.StreamMacs / compute.FullLengthStreamMacs, compute.Savings, 12);
    }

    [Fact]
    public void Debug_records_every_debugged_cell_and_leaves_the_samples_to_floating_point()
    {
        var debug = Run(Plan("weights int8 per-channel\nsc precision 8 debug {\n  qk stream 64\n  fc1 blocks 1 steps noisiest 50% stream 128\n}"));
        Assert.Equal(Run(Plan("weights int8 per-channel")).Latents, debug.Latents);

        // qk in 2 blocks x 4 steps, fc1 in block 1 for 2 steps.
        Assert.Equal(10, debug.ScDebug.Count);
        Assert.Equal(8, debug.ScDebug.Count(r => r.Operator == Operator.Qk));
        Assert.Equal(new[] { (0, 1), (1, 1) }, debug.ScDebug.Where(r => r.Operator == Operator.Fc1).Select(r => (r.Step, r.Block)));
        foreach (var record in debug.ScDebug)
        {
            // 2 samples x 2 (guidance) x 2 heads x 16 x 16 scores; 4 x 16 tokens x 128 fc1 outputs.
            Assert.Equal(record.Operator == Operator.Qk ? 2048 : 8192, record.Elements);
            Assert.InRange(record.RelativeL2, 1e-4, 0.2);
            Assert.Equal(record.Mse, record.RelativeL2 * record.RelativeL2 * record.FpRms * record.FpRms, 1e-9 * record.Mse + 1e-300);
            Assert.InRange(record.MaxAbsError, System.Math.Sqrt(record.Mse), double.MaxValue);
            Assert.InRange(record.Cosine, 0.97, 1);
        }
        Assert.Empty(Run(Plan(Quantizers + "sc precision 8 {\n  qk stream 64\n}")).ScDebug);
    }
}
