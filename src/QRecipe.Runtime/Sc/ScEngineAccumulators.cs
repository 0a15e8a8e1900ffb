using System.Collections.Generic;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc;

/// <summary>The CPU engine's accumulators (<see cref="EnableKernel"/>, <see cref="BitstreamKernel"/>): the default
/// <see cref="IScAccumulators"/>, using prepared weights' row-table entries.</summary>
public sealed class ScEngineAccumulators : IScAccumulators
{
    public static ScEngineAccumulators Instance { get; } = new();

    private ScEngineAccumulators()
    {
    }

    public bool ReadsCodes => false;

    public ScAccumulatorSet Enable(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables)
    {
        var (acc, pooled) = EnableKernel.AccumulateSlices(a, b, tables, pooled: true);
        return new ScAccumulatorSet(acc, pooled);
    }

    public ScAccumulatorSet Bitstream(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScSequences sequences)
    {
        var acc = new int[a.Count][];
        for (var s = 0; s < a.Count; s++)
            acc[s] = BitstreamKernel.Accumulate(a[s], b[s].Codes, sequences);
        return new ScAccumulatorSet(acc, Pooled: false);
    }
}
