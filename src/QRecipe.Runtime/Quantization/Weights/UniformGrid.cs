using System;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>One uniform quantization grid: code = clamp(round(x/Scale) + Zero, Lo, Hi) (half to even) and
/// value = Scale·(code − Zero). Symmetric grids have Zero = 0 and signed codes; asymmetric ones unsigned codes.</summary>
public readonly record struct UniformGrid(float Scale, float Zero, float Lo, float Hi)
{
    /// <summary>Smallest scale and range (Q-DiT clamps both at 1e-5).</summary>
    public const float RangeFloor = 1e-5f;

    /// <summary>Q-DiT's "max" grid of one group from its statistics (docs/quantization.md). Symmetric:
    /// s = max(absmax, 1e-5)·clip / (2^(b−1) − 1), codes in [−2^(b−1), 2^(b−1) − 1]. Asymmetric (0 not forced into
    /// the range): s = max(max·clip − min·clip, 1e-5)/(2^b − 1), zero = clamp(round(−min·clip/s), 0, 2^b − 1).</summary>
    public static UniformGrid QDit(float min, float max, int bits, bool symmetric, float clip = 1f)
    {
        if (symmetric)
        {
            var qmax = (1 << (bits - 1)) - 1;
            var m = MathF.Max(MathF.Max(MathF.Abs(min), MathF.Abs(max)), RangeFloor);
            if (clip < 1f) m *= clip;
            return new UniformGrid(m / qmax, 0f, -(1 << (bits - 1)), qmax);
        }
        var top = (float)((1 << bits) - 1);
        if (clip < 1f)
        {
            max *= clip;
            min *= clip;
        }
        var scale = MathF.Max(max - min, RangeFloor) / top;
        var zero = Math.Clamp(MathF.Round(-min / scale), 0f, top);
        return new UniformGrid(scale, zero, 0f, top);
    }

    /// <summary>The stored integer code of x.</summary>
    public float Code(float x) => Math.Clamp(MathF.Round(x / Scale) + Zero, Lo, Hi);

    /// <summary>Quantize-dequantize of one value.</summary>
    public float FakeQuantize(float x) => Scale * (Code(x) - Zero);

    public float Dequantize(float code) => Scale * (code - Zero);
}
