using System;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Language.Tests;

/// <summary>
/// Adaptive threshold (<c>mp … adaptive</c>) and range (<c>range …</c>) mixed precision through the front end: what
/// the plan holds per cell, the one-policy-per-cell rule, the checks against the model, and the budget's upper
/// bound. Expectations are written out by hand for DiT-XL/2 (qkv 3456 rows, fc1 4608, proj 1152) with 50 steps.
/// </summary>
public sealed class ThresholdMixedPrecisionTests
{
    private const string Operands = "weights int8\nactivations int8 on all\n";

    [Fact]
    public void Adaptive_rule_puts_its_levels_and_coefficients_in_the_cells_it_selects()
    {
        var plan = Snippets.Plan(Operands + "sc {\n  qk, fc1 stream 256\n  mp qk blocks 0..3 levels 256 128 0 adaptive alpha 0.5 beta 0.1\n  mp fc1 levels 256 64 adaptive\n}\n");
        var qk = plan.Get(new Step(7), new Block(2), Operator.Qk).Sc.MixedPrecision!;
        Assert.Equal(new[] { 256, 128, 0 }, qk.Levels.ToArray());
        Assert.True(qk.Fractions.IsEmpty);
        Assert.Equal(new AdaptiveThreshold(0.5, 0.1), qk.Adaptive);
        Assert.Null(plan.Get(new Step(7), new Block(4), Operator.Qk).Sc.MixedPrecision);
        // scmp's defaults when alpha and beta are left out.
        Assert.Equal(new AdaptiveThreshold(0.3, 0.05), plan.Get(new Step(0), new Block(27), Operator.Fc1).Sc.MixedPrecision!.Adaptive);
    }

    [Theory]
    [InlineData(0, 0.55)] // the noisiest step: progress 1, θ = 0.5 + 0.05
    [InlineData(49, 0.05)] // the cleanest: progress 0, θ = β
    [InlineData(24, 0.30510204081632653)] // progress 25/49: 0.5 · 25/49 + 0.05
    public void Adaptive_threshold_runs_from_alpha_plus_beta_at_the_noisiest_step_to_beta_at_the_cleanest(int step, double expected) =>
        Assert.Equal(expected, new AdaptiveThreshold(0.5, 0.05).At(step, 50), 12);

    [Fact]
    public void Adaptive_threshold_is_capped_at_0_95_and_a_one_step_sampler_has_progress_0()
    {
        Assert.Equal(0.95, new AdaptiveThreshold(1, 0.5).At(0, 50), 12);
        Assert.Equal(0.2, new AdaptiveThreshold(1, 0.2).At(0, 1), 12);
    }

    [Fact]
    public void Range_rule_gives_weight_cells_its_levels_threshold_and_group_size()
    {
        var plan = Snippets.Plan(Operands + "sc {\n  qkv, fc1, proj stream 256\n  range qkv, fc1 levels 256 128 64 group 96\n  range proj steps 0..9 levels 128 0 threshold 0.5 group 1152\n}\n");
        Assert.Equal(new RangeMixedPrecision(EquatableArray.Create(256, 128, 64), 0.3, 96), plan.Get(new Step(30), new Block(5), Operator.Qkv).Sc.Range);
        Assert.Equal(new RangeMixedPrecision(EquatableArray.Create(256, 128, 64), 0.3, 96), plan.Get(new Step(30), new Block(5), Operator.Fc1).Sc.Range);
        // 1152 rows in groups of 1152 is one group, written as group 0 so that equal meanings compare equal.
        Assert.Equal(new RangeMixedPrecision(EquatableArray.Create(128, 0), 0.5, 0), plan.Get(new Step(9), new Block(0), Operator.Proj).Sc.Range);
        Assert.Null(plan.Get(new Step(10), new Block(0), Operator.Proj).Sc.Range);
        Assert.Null(plan.Get(new Step(0), new Block(0), Operator.Qk).Sc.Range);
    }

    [Fact]
    public void Two_rules_with_different_row_policies_on_one_cell_are_an_error_naming_both_lines()
    {
        var compilation = Snippets.CompileBody(Operands + "sc {\n  av stream 256\n  mp av levels 256 64 fractions 0.5 0.5\n  mp av blocks 3 levels 256 64 adaptive\n}\n");
        var error = Assert.Single(Snippets.Errors(compilation));
        Assert.Equal(("QR0618", 9), (error.Id, error.Span.Line));
        Assert.Contains("line 8", error.Message, StringComparison.Ordinal);
        Assert.Null(compilation.Plan);
    }

    [Fact]
    public void A_later_rule_of_the_same_policy_overrides_without_error()
    {
        var plan = Snippets.Plan(Operands + "sc {\n  av stream 256\n  mp av levels 256 64 adaptive\n  mp av blocks 3 levels 128 32 adaptive alpha 0.1\n}\n");
        Assert.Equal(new AdaptiveThreshold(0.1, 0.05), plan.Get(new Step(0), new Block(3), Operator.Av).Sc.MixedPrecision!.Adaptive);
        Assert.Equal(new AdaptiveThreshold(0.3, 0.05), plan.Get(new Step(0), new Block(4), Operator.Av).Sc.MixedPrecision!.Adaptive);
    }

    [Theory]
    [InlineData("mp qk levels 256 128 alpha 0.2 fractions 0.5 0.5", "QR0617", "'alpha'")]
    [InlineData("mp qk levels 256 128 adaptive beta 2", "QR0617", "[-1, 1]")]
    [InlineData("mp qk levels 128 256 adaptive", "QR0605", "descending")]
    [InlineData("mp qk levels 256 128", "QR0606", "'adaptive'")]
    [InlineData("range qk levels 256 128 group 0", "QR0619", "qk has no weight")]
    [InlineData("range fc1 levels 256 group 0", "QR0617", "at least two levels")]
    [InlineData("range fc1 levels 256 128", "QR0617", "'group G'")]
    [InlineData("range fc1 levels 256 128 threshold 1.5 group 0", "QR0617", "[0, 1]")]
    [InlineData("range fc1 levels 256 128 group 1.5", "QR0619", "whole number")]
    [InlineData("range fc1 heads 0 levels 256 128 group 0", "QR0210", "no 'heads'")]
    public void Invalid_threshold_rules_are_reported(string rule, string id, string named)
    {
        var compilation = Snippets.CompileBody(Operands + "sc {\n  all stream 256\n  " + rule + "\n}\n");
        var error = Assert.Single(Snippets.Errors(compilation));
        Assert.Equal((id, 8), (error.Id, error.Span.Line));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("range fc1 steps 0..9 levels 256 128 group 0", "range mixed precision")]
    [InlineData("mp qk steps 0..9 levels 256 128 adaptive", "mixed precision")]
    public void A_rule_with_no_sc_cell_is_warned_about(string rule, string named)
    {
        var compilation = Snippets.CompileBody(Operands + "sc {\n  all steps 10..49 stream 256\n  " + rule + "\n}\n");
        var warning = Assert.Single(compilation.Diagnostics, d => d.Id == "QR0615");
        Assert.Equal(8, warning.Span.Line);
        Assert.Contains(named, warning.Message, StringComparison.Ordinal);
        Assert.NotNull(compilation.Plan);
    }

    [Fact]
    public void Range_on_cells_whose_explicit_groups_were_overridden_by_a_plain_stream_is_accepted()
    {
        var plan = Snippets.Plan(Operands + "sc {\n  fc1 groups 0 of 4 stream 128\n  fc1 stream 256\n  range fc1 levels 256 128 group 0\n}\n");
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Fc1).Sc.GroupStreams.IsEmpty);
        Assert.NotNull(plan.Get(new Step(0), new Block(0), Operator.Fc1).Sc.Range);
    }

    /// <summary>Adaptive and range classes depend on the data, so check's budget counts their cells at the longest
    /// level capped at the cell's stream and says the figure is a bound.</summary>
    [Fact]
    public void Budget_counts_data_dependent_cells_at_the_longest_level_and_marks_them_as_bounds()
    {
        var plan = Snippets.Plan(Operands + "sc {\n  qk, fc1, fc2 stream 128\n  mp qk levels 256 64 adaptive\n  range fc1 levels 64 32 group 0\n  mp fc2 levels 128 32 fractions 0.5 0.5\n}\n");
        var budget = PlanBudget.Of(plan);
        var qk = budget.Operators.Single(o => o.Operator == Operator.Qk);
        var fc1 = budget.Operators.Single(o => o.Operator == Operator.Fc1);
        var fc2 = budget.Operators.Single(o => o.Operator == Operator.Fc2);
        Assert.Equal((1400, 1400, 128.0 * 1400), (qk.Cells, qk.BoundCells, qk.StreamSum));
        Assert.Equal((1400, 64.0 * 1400), (fc1.BoundCells, fc1.StreamSum));
        Assert.Equal((0, 80.0 * 1400), (fc2.BoundCells, fc2.StreamSum));
        Assert.True(budget.IsBound);
    }
}
