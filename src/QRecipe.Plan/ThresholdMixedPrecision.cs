using System;

namespace QRecipe.Plan;

/// <summary>
/// Adaptive threshold mixed precision (scmp's <c>--adaptive_mp</c> with <c>--mp_alpha</c>/<c>--mp_beta</c>): at each
/// step the threshold is θ = min(α·progress + β, 0.95), progress = (steps − 1 − step)/max(steps − 1, 1), so the
/// noisiest step (step 0) has progress 1 and the cleanest 0 (docs/sc-engine.md).
/// </summary>
public sealed record AdaptiveThreshold(double Alpha, double Beta)
{
    public const double DefaultAlpha = 0.3;
    public const double DefaultBeta = 0.05;

    /// <summary>θ of a step of a <paramref name="steps"/>-step sampler (step 0 the noisiest).</summary>
    public double At(int step, int steps) =>
        ThresholdClasses.Cap(Alpha * (steps - 1 - step) / Math.Max(steps - 1, 1) + Beta);
}

/// <summary>
/// Range mixed precision (scmp's <c>--range_mp</c>): a weight operator's output rows in groups of
/// <see cref="GroupSize"/> (≤ 0 or ≥ the rows: one group), each group's weight range max − min normalised over the
/// groups, and the groups at or above <see cref="Threshold"/> (capped at 0.95) at <c>Levels[0]</c>, the rest evenly
/// over the other levels by their normalised range. A group's stream is min(its level, the cell's stream).
/// Decided once per weight at run time: the plan holds the rule, not the lengths.
/// </summary>
public sealed record RangeMixedPrecision(EquatableArray<int> Levels, double Threshold, int GroupSize)
{
    public const double DefaultThreshold = 0.3;
}

/// <summary>The threshold rule shared by adaptive and range mixed precision.</summary>
public static class ThresholdClasses
{
    /// <summary>The largest threshold either rule uses.</summary>
    public const double MaxThreshold = 0.95;

    public static double Cap(double threshold) => Math.Min(threshold, MaxThreshold);
}
