using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.Decode;

/// <summary>How a partial product's scales combine in the final fp32 multiplies (docs/sc-engine.md).</summary>
internal enum ScDecode
{
    /// <summary>per_row (2-D, 3-D, chunked): fp32(fp32(acc)·fp32(qmax²/L)) · fp32(sa·sb), scales fp32.</summary>
    RowScales,
    /// <summary>per_tensor: as <see cref="RowScales"/>, but the scales are Python doubles whose product is rounded
    /// to fp32 once.</summary>
    TensorScales,
    /// <summary>per_head: acc · (fp32(qmax²/L) · fp32(sq·sk)).</summary>
    HeadScale,
}

/// <summary>The exact integer accumulators of one kernel call together with the codes that scale them; a chunked
/// product has one partial per chunk, summed in chunk order. <paramref name="Pooled"/>: Acc was rented from the
/// shared array pool (it may be longer than n·m) and goes back once decoded.</summary>
internal sealed record ScPartial(int[] Acc, ScCodes A, ScCodes B, ScDecode Decode, bool Pooled = false);
