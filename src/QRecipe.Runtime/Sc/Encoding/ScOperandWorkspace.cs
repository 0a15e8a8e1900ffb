using System.Collections.Generic;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>
/// The codes of a 2-D call's a, kept per thread and shape and overwritten by the next call of that shape: a DiT
/// forward quantizes the same few activation shapes at every layer and step, and a fresh 1.5 MB of codes per linear
/// call (large-object heap, fresh pages) was nearly all of its allocation. Only calls that decode before they return
/// use it, so no partial outlives its codes.
/// </summary>
internal static class ScOperandWorkspace
{
    /// <summary>Enough for a run's shapes (tokens × hidden and tokens × MLP width, with and without guidance).</summary>
    private const int MaxShapes = 8;

    [System.ThreadStatic]
    private static Dictionary<(int Rows, int Dims, bool Unipolar), ScCodes>? kept;

    /// <summary>This thread's codes of that shape from an earlier call, to quantize into; null the first time.</summary>
    public static ScCodes? Previous(int rows, int dims, bool unipolar) =>
        kept is not null && kept.TryGetValue((rows, dims, unipolar), out var codes) ? codes : null;

    public static void Keep(ScCodes codes)
    {
        kept ??= [];
        if (kept.Count >= MaxShapes)
            kept.Clear();
        kept[(codes.Rows, codes.Dims, codes.ZeroPoint is not null)] = codes;
    }
}
