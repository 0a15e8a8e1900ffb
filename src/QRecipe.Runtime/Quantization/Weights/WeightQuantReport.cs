using QRecipe.Plan;

namespace QRecipe.Runtime.Quantization.Weights;

/// <summary>Per-layer outcome of weight quantization. <see cref="QuantizedBytes"/> follows docs/quantization.md:
/// ⌈elements·b/8⌉ plus the overhead in FP16 words (2 bytes each): scale and zero point per group (scale only when the
/// zero point is a constant), the codebook entries for k-means.</summary>
public sealed record WeightQuantReport(
    string Layer,
    WeightQuant Setting,
    long Elements,
    long OverheadWords,
    double RelativeError)
{
    /// <summary>Bytes of one overhead word (FP16 scales, zero points and codebook entries).</summary>
    public const int WordBytes = 2;

    /// <summary>Rank of the DiTAS low-rank factors added to the quantized weight; 0 without compensation.</summary>
    public int LowRankRank { get; init; }

    /// <summary>With low-rank factors, the relative error the quantized weight alone had before compensation
    /// (<see cref="RelativeError"/> is then that of Q + L·R); NaN without compensation.</summary>
    public double UncompensatedRelativeError { get; init; } = double.NaN;

    public int Bits => Setting.Bits;

    public WeightMethod Method => Setting.Method;

    public long QuantizedBytes => (Elements * Bits + 7) / 8 + OverheadWords * WordBytes;

    /// <summary>Storage per weight including overhead.</summary>
    public double AverageBits => QuantizedBytes * 8.0 / Elements;
}
