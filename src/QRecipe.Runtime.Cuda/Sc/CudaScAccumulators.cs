using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>
/// The SC engine's integer accumulators computed on a GPU (<see cref="CudaScProduct"/>), for the exact cells that
/// <see cref="CudaScProducts"/> declines. A prepared weight's codes are
/// uploaded once and kept on the device for the accumulators' lifetime (a run); a call's operand slices of equal
/// shapes (attention heads) run as one batched product; the legacy kernels run one product per slice. The engine
/// still quantizes, splits mixed-precision calls into single-length products and decodes, so a recipe run's SC
/// outputs are the CPU run's bit for bit where the kernels equal the engine (what <c>qrecipe selftest --device
/// cuda</c> checks).
/// </summary>
public sealed class CudaScAccumulators(CudaDevice device) : IScAccumulators, IDisposable
{
    private readonly CudaScProduct product = new(device);
    private readonly Dictionary<ScPreparedPart, DeviceCodes> weights = new(ReferenceEqualityComparer.Instance);

    /// <summary>The GPU's products, shared with <see cref="CudaScProducts"/> so both use one copy of the tables.</summary>
    public CudaScProduct Product => product;

    /// <summary>Enable-kernel products, legacy products.</summary>
    public (long Enable, long Bitstream) Calls { get; private set; }

    public bool ReadsCodes => true;

    public ScAccumulatorSet Enable(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, EnableTables tables)
    {
        var acc = b.All(part => part.Persistent)
            ? a.Select((codes, s) => product.EnableSlices([codes], Weight(b[s]), tables)[0]).ToArray()
            : product.EnableSlices(a, b.Select(Codes).ToArray(), tables);
        Calls = (Calls.Enable + a.Count, Calls.Bitstream);
        return new ScAccumulatorSet(acc, Pooled: false);
    }

    public ScAccumulatorSet Bitstream(IReadOnlyList<ScCodes> a, IReadOnlyList<ScPreparedPart> b, ScSequences sequences)
    {
        var acc = new int[a.Count][];
        for (var s = 0; s < a.Count; s++)
            acc[s] = product.Bitstream(a[s], Codes(b[s]), sequences);
        Calls = (Calls.Enable, Calls.Bitstream + a.Count);
        return new ScAccumulatorSet(acc, Pooled: false);
    }

    public void Dispose()
    {
        foreach (var codes in weights.Values)
            codes.Dispose();
        weights.Clear();
        product.Dispose();
    }

    /// <summary>A prepared weight's codes on the device, uploaded on first use.</summary>
    private DeviceCodes Weight(ScPreparedPart part)
    {
        if (!weights.TryGetValue(part, out var codes))
            weights[part] = codes = DeviceCodes.Upload(device, [Codes(part)]);
        return codes;
    }

    /// <summary>b's codes; a weight prepared for the CPU engine's row tables alone has none to upload.</summary>
    private static ScCodes Codes(ScPreparedPart part) =>
        part.Codes.HasElements
            ? part.Codes
            : throw new InvalidOperationException("an SC weight prepared for the CPU engine's row tables has no codes for the device; prepare it with these accumulators");
}
