using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// Binds a plan to a DiT and samples: weights are loaded (or made), calibrated and smoothed when the plan asks for it
/// (the "quantization" time includes that), quantized once per distinct setting, then every
/// step runs each operator as its cell says. With fidelity measurement each operator is also computed in floating
/// point on the same inputs, and a float model samples from the same noise for the end-to-end error. Without those, a
/// run on weights it loaded or made itself releases the float weight of every layer that no cell multiplies in float
/// once its quantized versions exist, so it holds one copy of each weight it needs.
/// </summary>
public static class RecipeRunner
{
    /// <summary>Runs <paramref name="plan"/> on <paramref name="device"/> (<see cref="ComputeDevices.Cpu"/>, or one from
    /// <see cref="ComputeDevices.Open"/>); <paramref name="chunkDone"/> is called after each chunk of the recipe's
    /// sampling with its samples, e.g. to save them at once.</summary>
    public static RunResult Run(RecipePlan plan, RunSettings settings, IComputeDevice device, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default, Action<SampleChunk>? chunkDone = null)
    {
        Validate(plan, settings);
        var clock = Stopwatch.StartNew();
        using var weights = settings.Checkpoint is { } path
            ? DitWeights.Load(path, plan.Model, device.Tensors)
            : DitWeights.Synthetic(plan.Model, device.Tensors, settings.SyntheticWeightSeed);
        var source = settings.Checkpoint is { } p ? $"checkpoint {p}" : $"synthetic weights, seed {settings.SyntheticWeightSeed}";
        return Run(plan, settings, weights, source, clock.Elapsed, device, progress, cancellation, chunkDone, ownsWeights: true);
    }

    /// <summary>Runs on weights the caller owns (e.g. modified for an experiment); <see cref="RunSettings.Checkpoint"/>
    /// and <see cref="RunSettings.SyntheticWeightSeed"/> are not used. The weights are not changed.</summary>
    public static RunResult Run(RecipePlan plan, RunSettings settings, DitWeights weights, IComputeDevice device, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        Validate(plan, settings);
        return Run(plan, settings, weights, "weights given by the caller", TimeSpan.Zero, device, progress, cancellation, null, ownsWeights: false);
    }

    /// <summary>Runs on a model exported by <c>qrecipe export-model</c> (<see cref="ExportedModel.Load"/> checked it
    /// against this plan): no calibration, smoothing or quantization happens, the run multiplies by the versions read
    /// from the file. <see cref="RunSettings.Checkpoint"/>, <see cref="RunSettings.SyntheticWeightSeed"/> and
    /// <see cref="RunSettings.CompareFloat"/> are not used (the file holds no float reference).</summary>
    public static RunResult Run(RecipePlan plan, RunSettings settings, ExportedModel model, string source, IComputeDevice device,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default, Action<SampleChunk>? chunkDone = null)
    {
        Validate(plan, settings);
        if (settings.CompareFloat)
            throw new ArgumentException("an exported model holds no float weights to compare with", nameof(settings));
        return Run(plan, settings, model.Weights, source, TimeSpan.Zero, device, progress, cancellation, chunkDone,
            ownsWeights: false, model);
    }

    private static void Validate(RecipePlan plan, RunSettings settings)
    {
        var model = plan.Model;
        if (settings.Samples < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Samples, "at least one sample");
        if (settings.ChunkSize < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.ChunkSize, "chunks of at least one sample");
        if (settings.FirstSample < 0 || settings.FirstSample % settings.ChunkSize != 0 || (long)settings.FirstSample + settings.Samples > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.FirstSample, $"the first sample starts a chunk of {settings.ChunkSize} and the last is below {int.MaxValue}");
        if (settings.Labels is { } labels && labels.Length != settings.Samples)
            throw new ArgumentException($"{labels.Length} class labels for {settings.Samples} samples", nameof(settings));
        var stateLength = (long)settings.Samples * model.InChannels * model.LatentSize * model.LatentSize;
        if (settings.InitialNoise is { } given && given.Length != stateLength)
            throw new ArgumentException($"initial noise has {given.Length} values; {settings.Samples} x {model.InChannels} x {model.LatentSize} x {model.LatentSize} = {stateLength} expected", nameof(settings));
    }

    private static RunResult Run(RecipePlan plan, RunSettings settings, DitWeights weights, string weightSource, TimeSpan weightTime, IComputeDevice device,
        IProgress<RunProgress>? progress, CancellationToken cancellation, Action<SampleChunk>? chunkDone, bool ownsWeights, ExportedModel? exported = null)
    {
        var backend = device.Tensors;
        if (!weights.Model.Equals(plan.Model))
            throw new ArgumentException($"weights of {weights.Model.Name} for a plan of {plan.Model.Name}", nameof(weights));
        var model = plan.Model;
        var labels = settings.Labels ?? SampleStreams.Labels(settings.Seed, settings.FirstSample, settings.Samples, model.NumClasses);
        var sampleValues = model.InChannels * model.LatentSize * model.LatentSize;
        var clock = Stopwatch.StartNew();
        // Acknowledged at once, from the thread that cancels (or before the run leaves); the work stops at its next check.
        using var stopRequested = new StopAcknowledgement(progress, cancellation);
        // An exported model brings what calibration, smoothing and quantization would make; it stays the caller's.
        var (statistics, smoothedWeights) = exported is null
            ? Calibrator.Prepare(plan, weights, backend, progress, cancellation)
            : (exported.Statistics, exported.Smoothed);
        using var ownedSmoothed = exported is null ? smoothedWeights : null;
        var smoothed = smoothedWeights;
        using var ownedQuantized = exported is null
            ? QuantizedWeights.Build(plan, weights, smoothed, statistics, progress, cancellation, releaseFloat: ownsWeights && !settings.CompareFloat,
                device: device.WeightQuantizer, releaseHessians: true)
            : null;
        var quantized = ownedQuantized ?? exported!.Quantized;
        var quantizationTime = clock.Elapsed;

        var chunks = SampleChunks.Of(settings);
        var initial = settings.InitialNoise?.ToArray() ?? new float[settings.Samples * sampleValues];
        if (settings.InitialNoise is null)
            SampleStreams.InitialNoise(settings.Seed, settings.FirstSample, settings.Samples, initial);
        var sampler = new ChunkSampler(plan, settings.Seed, labels, sampleValues, progress, cancellation);

        using var recipeOperators = new PlanOperators(plan, quantized, smoothed, statistics, device, settings.Seed);
        using var fidelity = settings.CompareFloat ? new FidelityOperators(plan, recipeOperators, new FloatOperators(backend), smoothed) : null;
        var operators = new CheckedOperators(fidelity is null ? recipeOperators : fidelity, cancellation);
        var latents = (float[])initial.Clone();
        clock.Restart();
        using (var dit = new DitModel(weights, backend, operators))
        {
            sampler.Run("sample", chunks, latents, (chunk, chunkLabels) => new DitDenoiser(dit, backend, chunkLabels, (float)plan.Sampler.Cfg, step => recipeOperators.Step = step),
                chunk => recipeOperators.SurrogateSeed = SampleStreams.ChunkSeed(settings.Seed, chunk.Index), chunkDone);
        }
        var samplingTime = clock.Elapsed;

        float[]? floatLatents = null;
        clock.Restart();
        if (settings.CompareFloat)
        {
            floatLatents = (float[])initial.Clone();
            using var dit = new DitModel(weights, backend, new CheckedOperators(new FloatOperators(backend), cancellation));
            try
            {
                sampler.Run("float", chunks, floatLatents, (_, chunkLabels) => new DitDenoiser(dit, backend, chunkLabels, (float)plan.Sampler.Cfg), null, null);
            }
            catch (NonFiniteActivationException e)
            {
                throw e.InRun("floating-point reference");
            }
        }
        var floatTime = clock.Elapsed;

        return new RunResult
        {
            Plan = plan,
            Labels = labels,
            Latents = latents,
            FloatLatents = floatLatents,
            FinalRelativeError = floatLatents is null ? null : RelativeError(floatLatents, latents),
            OperatorErrors = fidelity?.Errors(),
            WeightReports = quantized.Reports,
            SmoothingReports = smoothed.Reports,
            Budget = PlanBudget.Of(plan),
            ScCompute = recipeOperators.ScCompute,
            ScDebug = recipeOperators.ScDebug,
            Times = new PhaseTimes(weightTime, quantizationTime, samplingTime, floatTime),
            WeightSource = weightSource,
        };
    }

    private static double RelativeError(float[] reference, float[] actual)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            double d = actual[i] - (double)reference[i];
            error += d * d;
            norm += (double)reference[i] * reference[i];
        }
        return norm == 0 ? 0 : Math.Sqrt(error / norm);
    }
}
