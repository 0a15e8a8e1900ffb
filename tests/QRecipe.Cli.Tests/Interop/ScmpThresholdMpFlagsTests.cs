using System.IO;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>scmp's adaptive threshold (<c>--adaptive_mp</c>, <c>--mp_alpha*</c>/<c>--mp_beta*</c>) and range
/// (<c>--range_mp*</c>) flags imported to <c>mp … adaptive</c> and <c>range</c> rules, checked cell by cell on
/// hand-written command lines, and exported back to flags that import to the same plan.</summary>
public sealed class ScmpThresholdMpFlagsTests
{
    /// <summary>SC on every operator of DiT-S/8 at every step, stream 2^8.</summary>
    private const string AllSc = "--model DiT-S/8 --wbits 8 --abits 8 --w_sym --a_sym --weight_group_size 0 --act_group_size 0 --sc_enable --timewise 1 "
        + "--qklayerwise 1 --avlayerwise 1 --projlayerwise 1 --inputprojlayerwise 1 --mlplayerwise 1 ";

    private static AdaptiveThreshold? Adaptive(RecipePlan plan, Operator op) => plan.Get(new Step(7), new Block(3), op).Sc.MixedPrecision?.Adaptive;

    [Fact]
    public void Adaptive_coefficients_fall_back_from_the_operator_to_its_group_to_the_global_flag_to_the_default()
    {
        using var folder = new TempFolder();
        var (plan, _, _) = InteropFiles.Import(folder, "import", "scmp-flags",
            AllSc + "--adaptive_mp --mp_levels 256,128,0 --mp_alpha 0.4 --mp_alpha_qk 0.2 --mp_alpha_mlp 0.6 --mp_alpha_mlp_fc2 0.7 --mp_beta_input_proj 0.1");
        Assert.Equal(new AdaptiveThreshold(0.2, 0.05), Adaptive(plan, Operator.Qk)); // own alpha, default beta
        Assert.Equal(new AdaptiveThreshold(0.4, 0.05), Adaptive(plan, Operator.Av)); // global alpha
        Assert.Equal(new AdaptiveThreshold(0.4, 0.1), Adaptive(plan, Operator.Qkv)); // input_proj's beta
        Assert.Equal(new AdaptiveThreshold(0.6, 0.05), Adaptive(plan, Operator.Fc1)); // mlp group
        Assert.Equal(new AdaptiveThreshold(0.7, 0.05), Adaptive(plan, Operator.Fc2)); // its own over the group
        Assert.Equal(new[] { 256, 128, 0 }, plan.Get(new Step(0), new Block(0), Operator.Proj).Sc.MixedPrecision!.Levels.ToArray());
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Proj).Sc.MixedPrecision!.Fractions.IsEmpty);
    }

    [Fact]
    public void No_mp_pruning_drops_the_zero_level_and_a_threshold_table_stays_out()
    {
        using var folder = new TempFolder();
        var (pruned, _, _) = InteropFiles.Import(folder, "import", "scmp-flags", AllSc + "--adaptive_mp --mp_levels 256,64,0 --no_mp_pruning");
        Assert.Equal(new[] { 256, 64 }, pruned.Get(new Step(0), new Block(0), Operator.Qk).Sc.MixedPrecision!.Levels.ToArray());

        var (table, recipe, error) = InteropFiles.Import(folder, "import", "scmp-flags", AllSc + "--adaptive_mp_table thresholds.json --mp --mp_fractions 0.25,0.25,0.25,0.25");
        Assert.Contains("warning QR0900: --adaptive_mp_table thresholds.json", error);
        Assert.Contains("warning QR0902: --mp --mp_fractions: --adaptive_mp takes precedence", error);
        Assert.Null(table.Get(new Step(0), new Block(0), Operator.Qk).Sc.MixedPrecision);
        Assert.Contains("// --adaptive_mp_table thresholds.json", File.ReadAllText(recipe));
    }

    [Fact]
    public void Range_flags_give_the_weight_operators_range_rules_with_the_channel_group_as_group_size()
    {
        using var folder = new TempFolder();
        var (plan, _, error) = InteropFiles.Import(folder, "import", "scmp-flags",
            AllSc + "--weight_channel_group 8 --range_mp --range_mp_levels 256,128,64 --range_mp_threshold 0.25 --range_mp_threshold_mlp 0.5 --range_mp_threshold_av 0.9");
        var levels = EquatableArray.Create(256, 128, 64);
        Assert.Equal(new RangeMixedPrecision(levels, 0.25, 8), plan.Get(new Step(9), new Block(11), Operator.Qkv).Sc.Range);
        Assert.Equal(new RangeMixedPrecision(levels, 0.25, 8), plan.Get(new Step(9), new Block(11), Operator.Proj).Sc.Range);
        Assert.Equal(new RangeMixedPrecision(levels, 0.5, 8), plan.Get(new Step(9), new Block(11), Operator.Fc1).Sc.Range);
        Assert.Equal(new RangeMixedPrecision(levels, 0.5, 8), plan.Get(new Step(9), new Block(11), Operator.Fc2).Sc.Range);
        Assert.Null(plan.Get(new Step(9), new Block(11), Operator.Av).Sc.Range);
        Assert.Contains("warning QR0902: --range_mp_threshold_av: qk and av have no weights", error);
    }

    [Theory]
    [InlineData("--range_mp --range_mp_levels 256,128 --weight_channel_group 5", "error QR0905: --weight_channel_group 5 does not divide the 1152 output rows of qkv")]
    [InlineData("--range_mp --range_mp_levels 128,256", "error QR0905: range MP levels 128,256")]
    [InlineData("--adaptive_mp --mp_levels 256,0 --no_mp_pruning", "error QR0905: --mp_levels 256 (0 dropped by --no_mp_pruning)")]
    public void Command_lines_scmp_rejects_are_refused(string flags, string expected)
    {
        var (code, _, error) = CliRunner.Run("import", "scmp-flags", AllSc + flags);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Adaptive_and_range_flags_round_trip_through_export()
    {
        using var folder = new TempFolder();
        const string mp = "--adaptive_mp --mp_levels 256,128,0 --mp_alpha 0.4 --mp_alpha_qk 0.2 --mp_beta_mlp 0.1 "
            + "--range_mp --range_mp_levels 256,128,64 --range_mp_threshold 0.25 --range_mp_threshold_mlp 0.5";
        var (plan, recipe, _) = InteropFiles.Import(folder, "import", "scmp-flags", AllSc + mp);
        var (code, flags, error) = CliRunner.Run("export", "--format", "scmp-flags", recipe);
        Assert.True(code == 0, error);
        Assert.EndsWith("--sc_prec 8 --sc_enable --adaptive_mp --mp_levels 256,128,0 --mp_alpha 0.4 --mp_beta 0.05 --mp_alpha_qk 0.2 --mp_beta_mlp_fc1 0.1 --mp_beta_mlp_fc2 0.1 "
            + "--range_mp --range_mp_levels 256,128,64 --range_mp_threshold 0.25 --range_mp_threshold_mlp 0.5\n", flags);
        using var again = new TempFolder();
        var (reimported, _, _) = InteropFiles.Import(again, "import", "scmp-flags", flags.Trim());
        Assert.Equal(plan.Palette.ToHashSet(), reimported.Palette.ToHashSet());
        Assert.True(Enumerable.Range(0, plan.Steps).All(s => Enumerable.Range(0, plan.Depth).All(b => Operators.PerBlock.All(op => plan.Get(new Step(s), new Block(b), op) == reimported.Get(new Step(s), new Block(b), op)))));
    }

    [Fact]
    public void Export_refuses_range_groups_other_than_one_row()
    {
        using var folder = new TempFolder();
        var (_, recipe, _) = InteropFiles.Import(folder, "import", "scmp-flags", AllSc + "--weight_channel_group 8 --range_mp --range_mp_levels 256,128");
        var (code, _, error) = CliRunner.Run("export", "--format", "scmp-flags", recipe);
        Assert.Equal(1, code);
        Assert.Contains("range group 8: scmp takes it from --weight_channel_group", error);
    }
}
