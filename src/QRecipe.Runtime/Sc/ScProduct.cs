using System.Collections.Concurrent;
using QRecipe.Language.Plan;

namespace QRecipe.Runtime.Sc;

/// <summary>One call's kernel: the prepared sequences and, for the enable kernel, its K table, shared by every
/// chunk and slice of the call.</summary>
internal sealed class ScProduct(ScGeometry geometry, ScKernel kernel, bool bipolar, ScSequences sequences)
{
    private static readonly ConcurrentDictionary<(ScGeometry, ScKernel, bool, int), ScProduct> Cache = new();

    /// <summary>The kernel for (geometry, kernel, mode, dims), kept for the process: its sequences and tables depend
    /// on nothing else, and a run uses a handful of them (cleared beyond 64).</summary>
    public static ScProduct For(in ScGeometry geometry, ScKernel kernel, bool bipolar, int dims)
    {
        if (Cache.Count > 64)
            Cache.Clear();
        return Cache.GetOrAdd((geometry, kernel, bipolar, dims),
            key => new ScProduct(key.Item1, key.Item2, key.Item3, ScSequences.Prepare(key.Item1, key.Item4)));
    }

    private readonly EnableTables? tables = kernel == ScKernel.Enable ? new EnableTables(sequences, geometry.G) : null;

    public ScPartial Run(ScCodes a, ScCodes b, ScDecode decode) => Run(a, new ScPreparedPart(b, geometry, bipolar), decode);

    public ScPartial Run(ScCodes a, ScPreparedPart b, ScDecode decode)
    {
        var acc = tables is not null
            ? EnableKernel.Accumulate(a, b, tables)
            : BitstreamKernel.Accumulate(a, b.Codes, sequences, kernel == ScKernel.Xnor, geometry.P, geometry.QMax);
        return new ScPartial(acc, a, b.Codes, decode);
    }
}
