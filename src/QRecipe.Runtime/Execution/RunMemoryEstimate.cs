using System;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// A lower bound of the memory a recipe run holds at once, computed before anything is allocated so that a run
/// that cannot fit is refused with a message instead of ending in an out-of-memory crash. Counted in bytes, in
/// double precision so no setting can overflow it:
/// <list type="bullet">
/// <item>weights: every parameter of the DiT as float32, once: a run releases the float weight of each layer it
/// quantizes as soon as the quantized copy exists; twice with <c>--compare-fp</c>, which keeps the float weights for
/// its reference run beside the quantized copies;</item>
/// <item>activations: one forward of the guided batch (2 × samples rows of one chunk, conditional and unconditional) at its
/// widest point: per token the residual, the normalised input, q, k, v, the attention output and the MLP hidden
/// layer (10 × hidden floats), plus every head's token × token attention scores; twice with a float reference run
/// operator by operator (<c>--compare-fp</c>);</item>
/// <item>latents: the initial latents, the running latents and the sampler's step noise and prediction (4 arrays
/// of samples × channels × latent²), 2 more for the float run.</item>
/// </list>
/// </summary>
public readonly record struct RunMemoryEstimate(double Parameters, double WeightBytes, double ActivationBytes, double LatentBytes)
{
    public double TotalBytes => WeightBytes + ActivationBytes + LatentBytes;

    /// <param name="chunk">Samples per forward (<see cref="RunSettings.ChunkSize"/>); null: all of them at once.</param>
    public static RunMemoryEstimate For(ModelSpec model, long samples, bool compareFloat, long? chunk = null)
    {
        double d = model.Hidden, p = model.PatchSize, tokens = (double)(model.LatentSize / model.PatchSize) * (model.LatentSize / model.PatchSize);
        double outputs = p * p * model.OutChannels;
        var parameters = tokens * d // fixed position table
            + d * model.InChannels * p * p + d // patch embedding
            + d * DitWeights.FrequencySize + d + d * d + d // timestep MLP
            + (model.NumClasses + 1.0) * d // class table with the null class
            + (double)model.Depth * (18 * d * d + 15 * d) // qkv, proj, fc1, fc2, adaLN per block
            + outputs * d + outputs + 2 * d * d + 2 * d; // final layer
        var rows = 2.0 * Math.Min(samples, chunk ?? samples);
        var activations = rows * (tokens * 10 * d + (double)model.Heads * tokens * tokens) * sizeof(float) * (compareFloat ? 2 : 1);
        var latents = (compareFloat ? 6.0 : 4.0) * samples * model.InChannels * model.LatentSize * model.LatentSize * sizeof(float);
        return new RunMemoryEstimate(parameters, (compareFloat ? 2 : 1) * parameters * sizeof(float), activations, latents);
    }

    /// <summary>What a run may use: the memory the runtime sees as available (physical memory or the container's limit).</summary>
    public static double Available() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>"12.3 GiB" or "456.0 MiB".</summary>
    public static string Format(double bytes) => bytes >= 1 << 30
        ? FormattableString.Invariant($"{bytes / (1 << 30):0.0} GiB")
        : FormattableString.Invariant($"{bytes / (1 << 20):0.0} MiB");
}
