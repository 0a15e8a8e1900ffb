namespace QRecipe.Plan;

public enum SmoothMethod
{
    None,
    /// <summary>s = a^α / w^(1−α) from calibration maxima (docs/quantization.md, "Smoothing").</summary>
    SmoothQuant,
    /// <summary>DiTAS temporal-aggregated smoothing with optional α grid search (docs/quantization.md).</summary>
    Ditas,
}

/// <summary>Grid of α values searched per layer: From, From + Step, …, up to To.</summary>
public sealed record AlphaSearch(double From, double To, double Step);

/// <summary>DiTAS training-free low-rank weight compensation (docs/quantization.md, "Low-rank compensation").</summary>
public sealed record LowRank(int Rank, int Iterations)
{
    public const int DefaultIterations = 10;
}

/// <summary>Activation smoothing of one (block, operator). Smoothing is folded into weights once, so it does not
/// vary by sampling step.</summary>
public sealed record SmoothSetting(SmoothMethod Method, double Alpha, AlphaSearch? Search, LowRank? LowRank)
{
    public static readonly SmoothSetting None = new(SmoothMethod.None, 0, null, null);
}
