namespace QRecipe.Plan;

/// <summary>How the scales of a uniform quantizer are shared.</summary>
public enum Granularity
{
    PerTensor,
    /// <summary>One scale per output channel (weights).</summary>
    PerChannel,
    /// <summary>One scale per token (activation row).</summary>
    PerToken,
    /// <summary>One scale per run of <c>GroupSize</c> consecutive inputs along the reduction dimension.</summary>
    Group,
}

/// <summary>Weight quantization method (docs/quantization.md).</summary>
public enum WeightMethod
{
    /// <summary>Round to nearest over the full range.</summary>
    Rtn,
    /// <summary>Clip-ratio search minimising reconstruction error (Q-DiT).</summary>
    Mse,
    /// <summary>Hessian-based column updates from calibration inputs (Q-DiT's GPTQ).</summary>
    Gptq,
    /// <summary>Qua2SeDiMo per-channel k-means.</summary>
    KMeansC,
    /// <summary>Qua2SeDiMo per-tensor k-means.</summary>
    KMeansA,
    /// <summary>Qua2SeDiMo uniform affine quantizer.</summary>
    Uaq,
}

/// <summary>Weight quantizer of one layer. <see cref="Bits"/> = 0 keeps the layer in floating point.</summary>
public sealed record WeightQuant(int Bits, Granularity Granularity, int GroupSize, bool Symmetric, WeightMethod Method)
{
    public static readonly WeightQuant Float = new(0, Granularity.PerTensor, 0, true, WeightMethod.Rtn);

    public bool IsFloat => Bits == 0;

    public override string ToString() => IsFloat
        ? "fp"
        : $"int{Bits} {GranularityText(Granularity, GroupSize)} {(Symmetric ? "symmetric" : "asymmetric")} {MethodText(Method)}";

    internal static string GranularityText(Granularity granularity, int groupSize) => granularity switch
    {
        Granularity.PerTensor => "per-tensor",
        Granularity.PerChannel => "per-channel",
        Granularity.PerToken => "per-token",
        _ => "group " + groupSize,
    };

    public static string MethodText(WeightMethod method) => method switch
    {
        WeightMethod.Rtn => "rtn",
        WeightMethod.Mse => "mse",
        WeightMethod.Gptq => "gptq",
        WeightMethod.KMeansC => "kmeans-c",
        WeightMethod.KMeansA => "kmeans-a",
        _ => "uaq",
    };
}

/// <summary>Activation (input operand) quantizer of one operator. <see cref="Bits"/> = 0 keeps it in floating point.
/// Static quantizers use per-tensor asymmetric ranges collected by calibration.</summary>
public sealed record ActivationQuant(int Bits, Granularity Granularity, int GroupSize, bool Symmetric, bool Static)
{
    public static readonly ActivationQuant Float = new(0, Granularity.PerTensor, 0, true, false);

    public bool IsFloat => Bits == 0;

    public override string ToString() => IsFloat
        ? "fp"
        : $"int{Bits} {WeightQuant.GranularityText(Granularity, GroupSize)} {(Symmetric ? "symmetric" : "asymmetric")} {(Static ? "static" : "dynamic")}";
}
