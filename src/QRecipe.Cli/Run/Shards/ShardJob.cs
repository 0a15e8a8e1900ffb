using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Vae;

namespace QRecipe.Cli.Run.Shards;

/// <summary>What <c>qrecipe run --shard</c> was asked to make, checked by the run command: the recipe and where it came
/// from, the weights (a checkpoint path, or synthetic weights of <paramref name="WeightSeed"/>), all N samples' labels
/// when given, the device (as named on the command line, and opened), the VAE, the output folder (used as is) and the chunk size.</summary>
internal sealed record ShardJob(
    RecipePlan Plan,
    string Recipe,
    string Source,
    string? Checkpoint,
    ulong WeightSeed,
    int Samples,
    int[]? Labels,
    ulong Seed,
    string Device,
    IComputeDevice ComputeDevice,
    VaeDecoder? Vae,
    string? VaePath,
    string Folder,
    int ChunkSize,
    ShardSpec Shard);
