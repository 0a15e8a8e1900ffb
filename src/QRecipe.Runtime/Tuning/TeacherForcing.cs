using System;
using System.Collections.Generic;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Calibration;

namespace QRecipe.Runtime.Tuning;

/// <summary>
/// The error of a plan's noise prediction along the float trajectory: at every step the plan's model gets the state
/// the float model denoised, and its predicted noise ε is compared with the float model's. Sampling with the plan
/// itself would compound each step's error into a different trajectory, and in a guided 50-step sampler a small change
/// can move a sample to another mode, so final images differ by more than the quantizer explains; replaying the float
/// states measures each setting's own error with little noise, which is what comparing configurations needs.
/// </summary>
public static class TeacherForcing
{
    /// <summary>Mean squared difference between the plan's and the float model's ε over all steps, samples and values.</summary>
    public static double EpsilonError(RecipePlan plan, DitWeights weights, FloatTrajectory reference, IComputeDevice device, CancellationToken cancellation = default)
    {
        var backend = device.Tensors;
        if (!plan.Model.Equals(reference.Plan.Model) || !plan.Sampler.Equals(reference.Plan.Sampler))
            throw new ArgumentException($"a trajectory of {reference.Plan.Model.Name} with its sampler cannot judge a plan of {plan.Model.Name} or another sampler", nameof(reference));
        var model = plan.Model;
        var seed = (ulong)plan.Sampler.Seed;
        var stateValues = model.InChannels * model.LatentSize * model.LatentSize;
        var outputValues = model.OutChannels * model.LatentSize * model.LatentSize;
        var (statistics, smoothedWeights) = Calibrator.Prepare(plan, weights, backend, null, cancellation);
        using var smoothed = smoothedWeights;
        using var quantized = QuantizedWeights.Build(plan, weights, smoothed, statistics, null, cancellation, device: device.WeightQuantizer);
        using var operators = new PlanOperators(plan, quantized, smoothed, statistics, device, seed);
        using var dit = new DitModel(weights, backend, operators);
        double sum = 0;
        long count = 0;
        foreach (var chunk in Chunks(reference.Samples))
        {
            operators.SurrogateSeed = SampleStreams.ChunkSeed(seed, chunk.First / RunSettings.DefaultChunkSize);
            using var denoiser = new DitDenoiser(dit, backend, reference.Labels[chunk.First..(chunk.First + chunk.Count)], (float)plan.Sampler.Cfg, step => operators.Step = step);
            var output = new float[chunk.Count * outputValues];
            for (var step = 0; step < plan.Steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                denoiser.Denoise(reference.States[step].AsSpan(chunk.First * stateValues, chunk.Count * stateValues), reference.Timesteps[step], step, output);
                var expected = reference.Outputs[step].AsSpan(chunk.First * outputValues, chunk.Count * outputValues);
                for (var n = 0; n < chunk.Count; n++)
                {
                    // ε is the first InChannels channels of each sample's output; the rest is the learned variance.
                    for (var i = 0; i < stateValues; i++)
                    {
                        double d = output[n * outputValues + i] - (double)expected[n * outputValues + i];
                        sum += d * d;
                    }
                }
                count += (long)chunk.Count * stateValues;
            }
        }
        return sum / count;
    }

    /// <summary>Samples 0 .. N − 1 in the chunks a run makes (<see cref="RunSettings.DefaultChunkSize"/>), so per-chunk
    /// settings (dynamic ranges, SC surrogate noise) see the same samples together.</summary>
    internal static IEnumerable<(int First, int Count)> Chunks(int samples)
    {
        for (var first = 0; first < samples; first += RunSettings.DefaultChunkSize)
            yield return (first, Math.Min(RunSettings.DefaultChunkSize, samples - first));
    }
}
