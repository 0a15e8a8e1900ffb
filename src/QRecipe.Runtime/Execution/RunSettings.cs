namespace QRecipe.Runtime.Execution;

/// <summary>How to run a plan: how many samples of which classes, the seed of the initial and per-step noise, the
/// weights (a checkpoint, or seeded synthetic weights), and whether to measure fidelity against floating point. Data only:
/// where the run computes is the <see cref="Devices.IComputeDevice"/> given to <see cref="RecipeRunner"/>.</summary>
/// <param name="Samples">How many samples: those with the indices FirstSample .. FirstSample + Samples − 1.</param>
/// <param name="Labels">One class per sample; null draws them from the seed (<see cref="SampleStreams"/>).</param>
/// <param name="InitialNoise">x_T [N, C, L, L] to start from instead of the seeded generator (e.g. another
/// framework's noise); with DDIM the whole run is then deterministic.</param>
/// <param name="FirstSample">Index of the run's first sample; a multiple of <paramref name="ChunkSize"/>. Each sample's
/// label and noise depend on the seed and its index alone (<see cref="SampleStreams"/>).</param>
/// <param name="ChunkSize">Samples are denoised in chunks of this many, the chunk k holding the indices
/// k·ChunkSize .. (k + 1)·ChunkSize − 1 (the last chunk of a run may be shorter). Dynamic per-tensor activation scales,
/// SC mixed-precision ranking and the SC surrogate's noise span one chunk, so a sample's result depends on the seed, its
/// index and the chunk size, never on how many samples the run makes.</param>
public sealed record RunSettings(
    int Samples,
    int[]? Labels,
    ulong Seed,
    string? Checkpoint,
    ulong SyntheticWeightSeed,
    bool CompareFloat,
    float[]? InitialNoise = null,
    int FirstSample = 0,
    int ChunkSize = RunSettings.DefaultChunkSize)
{
    /// <summary>The chunk size of <c>qrecipe run</c> unless <c>--chunk</c> says otherwise.</summary>
    public const int DefaultChunkSize = 16;
}
