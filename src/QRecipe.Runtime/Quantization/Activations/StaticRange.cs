using System;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>Static per-tensor activation range from calibration (docs/quantization.md): each batch's min and max,
/// combined as an EMA stat ← 0.9·stat + 0.1·new in float32 (the first batch initialises it); the grid is Q-DiT's
/// asymmetric one, s = max(max − min, 1e-5)/(2^b − 1), z = clamp(round(−min/s), 0, 2^b − 1).</summary>
public sealed class StaticRange
{
    public float Min { get; private set; }
    public float Max { get; private set; }
    public int Batches { get; private set; }

    /// <summary>A range calibrated elsewhere (read from an exported model).</summary>
    public static StaticRange Restored(float min, float max, int batches) => new() { Min = min, Max = max, Batches = batches };

    public void Observe(ReadOnlySpan<float> activations, string layer)
    {
        if (activations.IsEmpty) throw new QuantizationException(layer, "empty calibration batch");
        if (!UniformKernels.MinMax(activations, out var min, out var max))
            QuantGuard.Finite(layer, "calibration activation", activations, activations.Length);
        if (Batches == 0)
        {
            Min = min;
            Max = max;
        }
        else
        {
            Min = 0.9f * Min + 0.1f * min;
            Max = 0.9f * Max + 0.1f * max;
        }
        Batches++;
    }

    public UniformGrid Grid(int bits, string layer)
    {
        if (Batches == 0) throw new QuantizationException(layer, "static activation range requested but calibration produced no data");
        QuantGuard.Bits(layer, bits, QuantGuard.MaxActivationBits);
        return UniformGrid.QDit(Min, Max, bits, symmetric: false);
    }
}
