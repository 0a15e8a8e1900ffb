using System;
using System.Collections.Generic;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>The tiny DiT the calibration and smoothing tests run on (depth 2, hidden 32, 2 heads, 16 tokens), recipes
/// for it, and an independent replay of the calibration protocol that keeps every layer input it sees.</summary>
internal static class CalibrationTestModel
{
    public const string ModelLine = "model custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }";

    public static readonly CpuBackend Backend = CpuBackend.Instance;

    public static RecipePlan PlanOf(string body, string sampler = "ddim steps 4 cfg 1.5")
    {
        var compilation = RecipeCompiler.Compile($"recipe T\n{ModelLine}\nsampler {sampler}\n{body}\n");
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    public static DitWeights Weights(RecipePlan plan, ulong seed = 11) => DitWeights.Synthetic(plan.Model, Backend, seed);

    public static RunSettings Settings(bool compare = true) => new(2, new[] { 1, 7 }, Seed: 3, Checkpoint: null, SyntheticWeightSeed: 11, compare);

    /// <summary>
    /// The calibration run as docs/quantization.md states it: labels drawn from the sampler seed, batches of B with
    /// their initial and per-step noise from <see cref="CalibrationRun.BatchSeed"/>, the plan's sampler and guidance,
    /// floating point throughout. Returns every layer input at the plan's calibration steps, in the order seen.
    /// </summary>
    public static Recorder Replay(RecipePlan plan, DitWeights weights)
    {
        var spec = plan.Calibration!;
        var model = plan.Model;
        var labels = ClassLabels.Draw(spec.Samples, (ulong)plan.Sampler.Seed, model.NumClasses);
        var schedule = DiffusionSchedule.Create(plan.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var recorder = new Recorder(new HashSet<int>(spec.Steps), new FloatOperators(Backend));
        using var dit = new DitModel(weights, Backend, recorder);
        for (var first = 0; first < spec.Samples; first += spec.Batch)
        {
            var count = Math.Min(spec.Batch, spec.Samples - first);
            var seed = CalibrationRun.BatchSeed((ulong)plan.Sampler.Seed, first / spec.Batch);
            var latents = new float[count * model.InChannels * model.LatentSize * model.LatentSize];
            DiffusionSampler.InitialNoise(latents, seed);
            using var denoiser = new DitDenoiser(dit, Backend, labels[first..(first + count)], (float)plan.Sampler.Cfg, step => recorder.Step = step);
            DiffusionSampler.Sample(schedule, plan.Sampler.Kind == SamplerKind.Ddim, latents, count, model.InChannels, denoiser.Denoise,
                DiffusionSampler.PhiloxNoise(seed), eta: plan.Sampler.Eta);
        }
        return recorder;
    }

    /// <summary>One captured operand: the step, the samples in the forward batch (2N with guidance) and the values.</summary>
    public sealed record Capture(int Step, int Samples, float[] Values);

    /// <summary>Floating-point products that keep a copy of every operand at the chosen steps, keyed like
    /// <see cref="CalibrationStatistics"/> (linear layers by name, attention operands as NAME#0 / NAME#1).</summary>
    public sealed class Recorder : IDitOperators
    {
        private readonly HashSet<int> _steps;
        private readonly FloatOperators _float;

        public Recorder(HashSet<int> steps, FloatOperators floatOperators)
        {
            _steps = steps;
            _float = floatOperators;
        }

        public int Step { get; set; }

        public Dictionary<string, List<Capture>> Inputs { get; } = new();

        public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
        {
            Keep(weights.Name, input);
            _float.Linear(site, input, weights, output);
        }

        public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores)
        {
            Keep(CalibrationStatistics.OperandKey(site.Name, 0), q);
            Keep(CalibrationStatistics.OperandKey(site.Name, 1), k);
            _float.AttentionScores(site, q, k, scale, scores);
        }

        public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output)
        {
            Keep(CalibrationStatistics.OperandKey(site.Name, 0), probabilities);
            Keep(CalibrationStatistics.OperandKey(site.Name, 1), v);
            _float.AttentionValues(site, probabilities, v, output);
        }

        private void Keep(string key, Tensor operand)
        {
            if (!_steps.Contains(Step))
                return;
            if (!Inputs.TryGetValue(key, out var list))
                Inputs[key] = list = new List<Capture>();
            list.Add(new Capture(Step, operand.Shape[0], operand.ToArray<float>()));
        }
    }

    /// <summary>‖actual − expected‖ / ‖expected‖ in float64.</summary>
    public static double RelativeError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            double d = actual[i] - (double)expected[i];
            error += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(error / norm);
    }
}
