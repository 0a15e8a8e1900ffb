using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Execution;

/// <summary>How to run a plan: how many samples of which classes, the seed of the initial and per-step noise, the
/// weights (a checkpoint, or seeded synthetic weights), and whether to measure fidelity against floating point.</summary>
/// <param name="Labels">One class per sample; null draws them from the seed.</param>
/// <param name="InitialNoise">x_T [N, C, L, L] to start from instead of the seeded generator (e.g. another
/// framework's noise); with DDIM the whole run is then deterministic.</param>
/// <param name="ScAccumulators">Where exact SC products' integer accumulators are computed; null is the CPU engine.
/// Any source returning the engine's integers gives the same latents.</param>
/// <param name="ActivationQuantizer">Where activations are fake-quantized; null is the host. Every implementation gives the same bits.</param>
/// <param name="ScSurrogate">Where noise-surrogate products run; null is the CPU engine. The noise is the same bit for bit, the
/// product under it agrees to FP32 GEMM rounding.</param>
public sealed record RunSettings(
    int Samples,
    int[]? Labels,
    ulong Seed,
    string? Checkpoint,
    ulong SyntheticWeightSeed,
    bool CompareFloat,
    float[]? InitialNoise = null,
    IScAccumulators? ScAccumulators = null,
    IActivationFakeQuantizer? ActivationQuantizer = null,
    IScSurrogate? ScSurrogate = null);
