using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Decode;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc;

/// <summary>One call's kernel: the prepared sequences and, for the enable kernel, its K table, shared by every
/// chunk and slice of the call.</summary>
internal sealed class ScProduct(ScGeometry geometry, bool bipolar, ScSequences sequences)
{
    private static readonly ConcurrentDictionary<(ScGeometry, bool, int), ScProduct> Cache = new();

    /// <summary>The kernel for (geometry with its kernel, mode, dims), kept for the process: its sequences and tables
    /// depend on nothing else, and a run uses a handful of them (cleared beyond 64).</summary>
    public static ScProduct For(in ScGeometry geometry, bool bipolar, int dims)
    {
        if (Cache.Count > 64)
            Cache.Clear();
        return Cache.GetOrAdd((geometry, bipolar, dims),
            key => new ScProduct(key.Item1, key.Item2, ScSequences.Prepare(key.Item1, key.Item3)));
    }

    private readonly EnableTables? tables = geometry.Kernel == ScKernel.Enable ? new EnableTables(sequences, geometry.G) : null;

    /// <summary>Independent products on the same tables (per-head attention), as one parallel job for the enable kernel.</summary>
    public List<ScPartial> RunSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScCodes> b, ScDecode decode, IScAccumulators accumulators)
    {
        var parts = new ScPreparedPart[b.Count];
        for (var s = 0; s < b.Count; s++)
            parts[s] = Part(b[s]);
        return RunSlices(a, parts, decode, accumulators);
    }

    /// <summary>b's side for this kernel's mode, with a reusable entry array.</summary>
    public ScPreparedPart Part(ScCodes b, ushort[]? indexBuffer = null) => new(b, geometry, bipolar, indexBuffer);

    public ScPartial Run(ScCodes a, ScPreparedPart b, ScDecode decode, IScAccumulators accumulators) => RunSlices([a], [b], decode, accumulators)[0];

    /// <summary>Slice s decoded into slice s of <paramref name="output"/> (pinned, slices of a[s].Rows × b[s].Rows), the
    /// decode fused into the row-table kernel's writes where it applies; otherwise RunSlices and the separate decode.
    /// Only the CPU engine's accumulators can be fused; another source's are decoded afterwards.</summary>
    public unsafe void RunSlicesInto(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScDecode decode, IScAccumulators accumulators,
        float* output)
    {
        // The path is decided before the decodes' scales are built, which the lookup path would not use.
        if (accumulators is ScEngineAccumulators && tables is not null && EnableKernel.TakesRowTables(b, tables)
            && Fused(a, b, decode, output) is { } fused)
        {
            EnableKernel.DecodeSlices(a, b, tables, fused);
            return;
        }

        var partials = RunSlices(a, b, decode, accumulators);
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

    /// <summary>The slices' integer partials, their accumulators from <paramref name="accumulators"/>.</summary>
    public List<ScPartial> RunSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScDecode decode, IScAccumulators accumulators)
    {
        var (acc, pooled) = tables is null
            ? accumulators.Bitstream(a, b, sequences)
            : accumulators.Enable(a, b, tables);
        if (acc.Length != a.Count)
            throw new InvalidOperationException($"{acc.Length} accumulator arrays for {a.Count} slices");
        var partials = new List<ScPartial>(a.Count);
        for (var s = 0; s < a.Count; s++)
            partials.Add(new ScPartial(acc[s], a[s], b[s].Codes, decode, pooled));
        return partials;
    }
}
