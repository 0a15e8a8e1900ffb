using System;
using System.Globalization;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tuning;

/// <summary>
/// The float model's sampling trajectory of samples 0 .. N − 1: at every step the state it denoised, the timestep and
/// the model output, recorded chunk by chunk with each sample's own label and noise (<see cref="SampleStreams"/>), as
/// a run of the same samples makes them. <see cref="TeacherForcing"/> replays the states through a candidate plan.
/// </summary>
public sealed class FloatTrajectory
{
    private FloatTrajectory(RecipePlan plan, int samples, int[] labels, int[] timesteps, float[][] states, float[][] outputs)
    {
        Plan = plan;
        Samples = samples;
        Labels = labels;
        Timesteps = timesteps;
        States = states;
        Outputs = outputs;
    }

    /// <summary>The plan whose model, sampler and seed the trajectory follows.</summary>
    public RecipePlan Plan { get; }

    public int Samples { get; }

    public int[] Labels { get; }

    /// <summary>Model timestep of each sampling step (step 0 is the noisiest).</summary>
    public int[] Timesteps { get; }

    /// <summary>Per step, the states [N, C, L, L] the model was given.</summary>
    public float[][] States { get; }

    /// <summary>Per step, the model's (guided) outputs [N, out channels, L, L].</summary>
    public float[][] Outputs { get; }

    public static FloatTrajectory Record(RecipePlan plan, DitWeights weights, ITensorBackend backend, int samples, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var model = plan.Model;
        var seed = (ulong)plan.Sampler.Seed;
        var stateValues = model.InChannels * model.LatentSize * model.LatentSize;
        var outputValues = model.OutChannels * model.LatentSize * model.LatentSize;
        var steps = plan.Steps;
        var states = new float[steps][];
        var outputs = new float[steps][];
        for (var j = 0; j < steps; j++)
        {
            states[j] = new float[samples * stateValues];
            outputs[j] = new float[samples * outputValues];
        }
        var timesteps = new int[steps];
        var labels = SampleStreams.Labels(seed, 0, samples, model.NumClasses);
        var schedule = DiffusionSchedule.Create(steps.ToString(CultureInfo.InvariantCulture));
        using var dit = new DitModel(weights, backend, new FloatOperators(backend));
        foreach (var chunk in TeacherForcing.Chunks(samples))
        {
            var state = new float[chunk.Count * stateValues];
            SampleStreams.InitialNoise(seed, chunk.First, chunk.Count, state);
            using var denoiser = new DitDenoiser(dit, backend, labels[chunk.First..(chunk.First + chunk.Count)], (float)plan.Sampler.Cfg);
            var inner = denoiser.Denoise;
            DiffusionSampler.Sample(schedule, plan.Sampler.Kind == SamplerKind.Ddim, state, chunk.Count, model.InChannels,
                (x, timestep, step, output) =>
                {
                    cancellation.ThrowIfCancellationRequested();
                    inner(x, timestep, step, output);
                    timesteps[step] = timestep;
                    x.CopyTo(states[step].AsSpan(chunk.First * stateValues));
                    output[..(chunk.Count * outputValues)].CopyTo(outputs[step].AsSpan(chunk.First * outputValues));
                },
                SampleStreams.StepNoise(seed, chunk.First, chunk.Count), null, plan.Sampler.Eta, model.PixelSpace);
        }
        return new FloatTrajectory(plan, samples, labels, timesteps, states, outputs);
    }
}
