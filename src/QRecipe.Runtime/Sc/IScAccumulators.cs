using System.Collections.Generic;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Where the exact integer accumulators of SC products are computed: the O(n·m·D·L) part of a call (docs/sc-engine.md).
/// Quantization, tables, mixed-precision splitting and the fp32 decode stay in the engine, so every
/// implementation that returns the same integers gives bit-identical outputs. The default is the CPU engine
/// (<see cref="ScEngineAccumulators"/>); the CUDA backend has one that runs the products on a GPU.
/// </summary>
public interface IScAccumulators
{
    /// <summary>Whether the products read b's codes. When false (the CPU engine), a weight is prepared in the engine's
    /// row-table form, which may drop the per-element codes; when true it is prepared as plain codes.</summary>
    bool ReadsCodes { get; }

    /// <summary>Enable-signal accumulators of independent products a[s]·b[s]ᵀ on the same tables (chunks or heads of one
    /// call): acc[s][i·m + j] for the n×m of slice s.</summary>
    ScAccumulatorSet Enable(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables);

    /// <summary>Legacy XNOR (bipolar) or AND (unipolar) accumulators, per slice as <see cref="Enable"/>; the sequences'
    /// geometry names the kernel.</summary>
    ScAccumulatorSet Bitstream(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScSequences sequences);
}

/// <summary>One accumulator array per slice. <paramref name="Pooled"/>: the arrays were rented from
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/> (they may be longer than n·m) and go back once decoded.</summary>
public readonly record struct ScAccumulatorSet(int[][] Acc, bool Pooled);
