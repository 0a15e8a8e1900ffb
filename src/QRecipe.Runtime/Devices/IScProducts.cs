using System;
using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Devices;

/// <summary>
/// Exact SC products (docs/sc-engine.md) that a device computes whole on its own tensors: both operands quantized to
/// SC codes with a range per row, the enable-signal accumulators and the fp32 decode with the per-row scales, bit for
/// bit the CPU engine's output, so only a few bytes per product cross to the host. A cell whose setting the device
/// does not compute (<see cref="Declines"/>) runs on the CPU engine.
/// </summary>
public interface IScProducts
{
    /// <summary>Why the device leaves the exact products of <paramref name="sc"/> to the CPU engine; null when it
    /// computes them.</summary>
    string? Declines(ScSetting sc);

    /// <summary>
    /// For each slice s of a (slices × n × d) and b (slices × m × d): output slice s (n × m) = the SC product
    /// a_s·b_sᵀ at stream length <paramref name="streams"/>[s] (all 0 where that is 0) with the cell's precision,
    /// mode, kernel and scramble, decoded as the CPU engine decodes it, then × <paramref name="alpha"/> and
    /// + <paramref name="bias"/>[j] when given, each its own fp32 rounding, as the host applies them after the engine.
    /// </summary>
    void Multiply(Tensor a, Tensor b, int slices, int n, int m, int d, ScSetting sc, ReadOnlySpan<int> streams, float alpha, Tensor? bias,
        Tensor output);
}
