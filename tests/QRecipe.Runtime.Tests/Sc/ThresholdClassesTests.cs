using System;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.MixedPrecision;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>
/// Adaptive threshold and range classes against hand-computed examples: the metric is min-max normalised to m̂,
/// θ is capped at 0.95, and with n levels the boundaries θ·(n − 1 − k)/(n − 1) give level #{k : m̂ &lt; b_k}.
/// </summary>
public sealed class ThresholdClassesTests
{
    /// <summary>scmp's α·progress + β example: α 0.3, β 0.05 at its t = 99 of T = 100, which is the recipe's step 0 of
    /// 100 (the noisiest): θ = 0.35, boundaries 0.35 and 0.175. Metric 3, 4, 5, 8, 13 normalises to 0, 0.1, 0.2, 0.5, 1.</summary>
    [Fact]
    public void Adaptive_classes_at_the_noisiest_step_follow_the_hand_computed_boundaries()
    {
        var threshold = new AdaptiveThreshold(0.3, 0.05).At(0, 100);
        Assert.Equal(0.35, threshold, 12);
        Assert.Equal([2, 2, 1, 0, 0], ScRowClassifier.ClassifyByThreshold([3f, 4, 5, 8, 13], threshold, 3));
    }

    /// <summary>At the cleanest step progress is 0 and θ = β = 0.05: with two levels only m̂ &lt; 0.05 drops.</summary>
    [Fact]
    public void Adaptive_classes_at_the_cleanest_step_use_beta_alone()
    {
        var threshold = new AdaptiveThreshold(0.3, 0.05).At(99, 100);
        Assert.Equal(0.05, threshold, 12);
        Assert.Equal([1, 0, 0, 0, 0], ScRowClassifier.ClassifyByThreshold([3f, 4, 5, 8, 13], threshold, 2));
    }

    /// <summary>θ = 2 would drop every row below m̂ = 1 only if it were not capped; capped at 0.95, m̂ = 0.96 stays long
    /// and 0.94 drops.</summary>
    [Fact]
    public void Threshold_is_capped_at_0_95()
    {
        Assert.Equal([1, 1, 0, 0], ScRowClassifier.ClassifyByThreshold([0f, 0.94f, 0.96f, 1f], 2.0, 2));
    }

    /// <summary>Four levels under θ = 0.9: boundaries 0.9, 0.6 and 0.3 cut [0, 0.9) into three equal parts, so m̂ 0 and
    /// 0.25 take level 3, 0.4 level 2, 0.65 and 0.75 level 1, and only m̂ = 1 level 0.</summary>
    [Fact]
    public void Rows_below_the_threshold_split_evenly_by_normalised_metric()
    {
        Assert.Equal([3, 3, 2, 1, 1, 0], ScRowClassifier.ClassifyByThreshold([0f, 0.25f, 0.4f, 0.65f, 0.75f, 1f], 0.9, 4));
    }

    [Fact]
    public void Equal_metrics_put_every_row_at_the_longest_level()
    {
        Assert.Equal([0, 0, 0], ScRowClassifier.ClassifyByThreshold([2f, 2f, 2f], 0.5, 3));
    }

    [Fact]
    public void Threshold_classes_need_two_levels()
    {
        Assert.Throws<ArgumentException>(() => ScRowClassifier.ClassifyByThreshold([1f, 2f], 0.5, 1));
    }

    /// <summary>Six rows of two, groups of two rows: ranges 4 (rows 0–1: −1..3), 1 (0..1) and 9 (−4..5), normalised
    /// (r − 1)/(8 + 1e-8) ≈ 0.375, 0, 1. Threshold 0.3 with three levels: boundaries 0.3 and 0.15, so the groups take
    /// 256 (0.375 ≥ 0.3), 0 (pruned: 0 &lt; 0.15) and 256.</summary>
    [Fact]
    public void Range_groups_of_two_rows_take_levels_from_their_normalised_ranges()
    {
        float[] w = [-1, 0, 3, 2, 0, 1, 1, 0, 5, -4, 0, 0];
        Assert.Equal([256, 0, 256], ScRowClassifier.ClassifyGroupsByRange(w, 6, 2, 2, [256, 64, 0], 0.3));
        // A threshold of 0.5 moves the first group (0.375) to the middle level: 0.375 < 0.5 but ≥ 0.25.
        Assert.Equal([64, 0, 256], ScRowClassifier.ClassifyGroupsByRange(w, 6, 2, 2, [256, 64, 0], 0.5));
        // Group size 0 or at least the rows: one group, whose normalised range is 0.
        Assert.Equal([0], ScRowClassifier.ClassifyGroupsByRange(w, 6, 2, 0, [256, 64, 0], 0.3));
        Assert.Equal([0], ScRowClassifier.ClassifyGroupsByRange(w, 6, 2, 6, [256, 64, 0], 0.3));
    }
}
