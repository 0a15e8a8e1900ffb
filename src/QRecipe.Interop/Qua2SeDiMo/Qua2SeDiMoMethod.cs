using System;
using System.Globalization;
using QRecipe.Plan;

namespace QRecipe.Interop.Qua2SeDiMo;

/// <summary>A Qua2SeDiMo per-layer value <c>method-bits</c>: <c>mse</c> is UAQ, <c>kmeans</c> K-Means-C (one codebook
/// per output channel), <c>kmeans_all</c> K-Means-A (one codebook per layer), at 3 or 4 bits. Each is a QRecipe
/// weight method the runtime has (docs/quantization.md), so nothing is substituted.</summary>
public readonly record struct Qua2SeDiMoMethod(string Method, int Bits)
{
    public static readonly string[] Methods = { "mse", "kmeans", "kmeans_all" };

    public static bool TryParse(string text, out Qua2SeDiMoMethod method)
    {
        method = default;
        var dash = text.LastIndexOf('-');
        if (dash <= 0 || Array.IndexOf(Methods, text[..dash]) < 0
            || !int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
            return false;
        method = new Qua2SeDiMoMethod(text[..dash], bits);
        return true;
    }

    public bool HasCandidate => Bits is 3 or 4;

    /// <summary>The recipe clause: UAQ is asymmetric per channel (Qua2SeDiMo's weights have zero points).</summary>
    public string Clause => Method switch
    {
        "mse" => $"int{Bits} per-channel asymmetric uaq",
        "kmeans" => $"int{Bits} per-channel kmeans-c",
        _ => $"int{Bits} per-tensor kmeans-a",
    };

    /// <summary>The value for a plan's weight setting, or null when Qua2SeDiMo has no such candidate.</summary>
    public static Qua2SeDiMoMethod? Of(WeightQuant weights)
    {
        if (weights.Bits is not (3 or 4))
            return null;
        return weights.Method switch
        {
            WeightMethod.Uaq when weights.Granularity == Granularity.PerChannel && !weights.Symmetric => new("mse", weights.Bits),
            WeightMethod.KMeansC when weights.Granularity == Granularity.PerChannel => new("kmeans", weights.Bits),
            WeightMethod.KMeansA when weights.Granularity == Granularity.PerTensor => new("kmeans_all", weights.Bits),
            _ => null,
        };
    }

    public override string ToString() => $"{Method}-{Bits}";
}
