using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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

    /// <summary>Independent products on the same tables (per-head attention), as one parallel job for the enable kernel.</summary>
    public List<ScPartial> RunSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScCodes> b, ScDecode decode)
    {
        var parts = new ScPreparedPart[b.Count];
        for (var s = 0; s < b.Count; s++)
            parts[s] = Part(b[s]);
        return RunSlices(a, parts, decode);
    }

    /// <summary>b's side for this kernel's mode, with a reusable entry array.</summary>
    public ScPreparedPart Part(ScCodes b, ushort[]? indexBuffer = null) => new(b, geometry, bipolar, indexBuffer);

    public ScPartial Run(ScCodes a, ScPreparedPart b, ScDecode decode) => RunSlices([a], [b], decode)[0];

    /// <summary>Slice s decoded into slice s of <paramref name="output"/> (pinned, slices of a[s].Rows × b[s].Rows), the
    /// decode fused into the row-table kernel's writes where it applies; otherwise RunSlices and the separate decode.</summary>
    public unsafe void RunSlicesInto(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScDecode decode, float* output)
    {
        if (tables is not null && Fused(a, b, decode, output) is { } fused && EnableKernel.TryDecodeSlices(a, b, tables, fused))
            return;
        var partials = RunSlices(a, b, decode);
        var (n, m) = (a[0].Rows, b[0].Codes.Rows);
        ScPartialDecoder.DecodeInto(partials, perSlice: true, n, m, geometry, new Span<float>(output, partials.Count * n * m));
    }

    /// <summary>Every slice's fused decode, or null when one of them decodes on the scalar path.</summary>
    private unsafe ScFusedDecode[]? Fused(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScDecode decode, float* output)
    {
        var fused = new ScFusedDecode[a.Count];
        var offset = 0L;
        for (var s = 0; s < a.Count; s++)
        {
            if (ScPartialDecoder.Fused(a[s], b[s].Codes, decode, geometry.DecodeFactor, (nint)(output + offset)) is not { } slice)
                return null;
            fused[s] = slice;
            offset += (long)a[s].Rows * b[s].Codes.Rows;
        }

        return fused;
    }

    public List<ScPartial> RunSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScDecode decode)
    {
        var partials = new List<ScPartial>(a.Count);
        if (tables is null)
        {
            for (var s = 0; s < a.Count; s++)
            {
                var acc = BitstreamKernel.Accumulate(a[s], b[s].Codes, sequences, kernel == ScKernel.Xnor, geometry.P, geometry.QMax);
                partials.Add(new ScPartial(acc, a[s], b[s].Codes, decode));
            }

            return partials;
        }

        var (accumulators, pooled) = EnableKernel.AccumulateSlices(a, b, tables, pooled: true);
        for (var s = 0; s < a.Count; s++)
            partials.Add(new ScPartial(accumulators[s], a[s], b[s].Codes, decode, pooled));
        return partials;
    }
}
