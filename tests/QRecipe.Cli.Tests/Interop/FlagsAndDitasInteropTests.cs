using System.IO;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>scmp / Q-DiT command lines and DiTAS's config.py.</summary>
public sealed class FlagsAndDitasInteropTests
{
    private const string Flags = "--wbits 4 --abits 8 --w_sym --a_sym --weight_group_size 0 --act_group_size 0 --qklayerwise 0.5 --avlayerwise 1 --timewise 0.6 --mp --mp_levels 256,128 --mp_fractions 0.5,0.5 --sc_enable";

    [Fact]
    public void Flags_round_trip_and_land_on_the_right_cells()
    {
        using var folder = new TempFolder();
        var (plan, recipe, _) = InteropFiles.Import(folder, "import", "scmp-flags", "python quant_sc_main.py " + Flags + " --vae ema", "--model", "dit-s/8");
        // ⌊0.5·12⌋ = 6 blocks of qk, all 12 of av, SC in the first ⌊0.6·50⌋ = 30 steps, stream 2^8.
        Assert.True(plan.Get(new Step(29), new Block(5), Operator.Qk).Sc.Enabled);
        Assert.False(plan.Get(new Step(29), new Block(6), Operator.Qk).Sc.Enabled);
        Assert.False(plan.Get(new Step(30), new Block(0), Operator.Av).Sc.Enabled);
        Assert.Equal(256, plan.Get(new Step(0), new Block(11), Operator.Av).Sc.Stream);
        Assert.Equal(new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), plan.Get(new Step(0), new Block(3), Operator.Fc2).Weights);
        Assert.True(plan.Get(new Step(0), new Block(3), Operator.AdaLN).Weights.IsFloat);
        Assert.Contains("// --vae ema: a run setting", File.ReadAllText(recipe));
        var (code, output, error) = CliRunner.Run("export", "--format", "scmp-flags", recipe);
        Assert.True(code == 0, error);
        Assert.Equal("--model DiT-S/8 --image-size 256 --num-sampling-steps 50 --cfg-scale 1 --seed 0 --wbits 4 --w_sym --weight_group_size 0 --abits 8 --a_sym --act_group_size 0 --qklayerwise 0.5 --avlayerwise 1 --timewise 0.6 --sc_prec 8 --sc_enable --mp --mp_levels 256,128 --mp_fractions 0.5,0.5\n", output);
    }

    [Fact]
    public void Precedence_rules_warn_about_the_flags_scmp_ignores()
    {
        using var folder = new TempFolder();
        var (plan, recipe, error) = InteropFiles.Import(folder, "import", "scmp-flags", "--sc_config map.json --qklayerwise 0.5 --sc_skip_blocks 0 --adaptive_mp --mp --mp_fractions 0.25,0.25,0.25,0.25 --exponential");
        Assert.Contains("warning QR0902: --qklayerwise: ignored by scmp because --sc_config gives the SC map", error);
        Assert.Contains("warning QR0902: --sc_skip_blocks: ignored by scmp", error);
        Assert.Contains("warning QR0902: --mp --mp_fractions: --adaptive_mp takes precedence", error);
        Assert.Contains("warning QR0901: --adaptive_mp refines SC cells, and no operator runs in SC", error);
        Assert.Contains("warning QR0902: --exponential", error);
        // Q-DiT's default group size -1 leaves its weight loop empty: weights FP, activations per token.
        Assert.Contains("warning QR0902: --weight_group_size -1", error);
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Fc1).Weights.IsFloat);
        Assert.Equal(Granularity.PerToken, plan.Get(new Step(0), new Block(0), Operator.Fc1).Activations.Granularity);
        Assert.DoesNotContain(plan.Palette, s => s.Sc.Enabled);
        Assert.Contains("// --sc_config map.json", File.ReadAllText(recipe));
    }

    [Theory]
    [InlineData("--wbit 4", "unknown flag '--wbit' (did you mean '--wbits'?)")]
    [InlineData("--w_sym --wbits", "--wbits needs a value")]
    [InlineData("--static --a_sym", "error QR0905: --static with --a_sym")]
    [InlineData("--mp --mp_fractions 0.5,0.4 --qklayerwise 1 --timewise 1", "error QR0905: --mp_fractions has 2 values summing to 0.9 for 4 levels")]
    [InlineData("--weight_group_size [0,0,0]", "lists 3 group sizes; Q-DiT takes one per block (28)")]
    [InlineData("--quant_type fp", "error QR0905: --quant_type fp")]
    public void Bad_command_lines_are_refused(string flags, string expected)
    {
        var (code, _, error) = CliRunner.Run("import", "scmp-flags", flags);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Ditas_config_round_trips_and_is_never_executed()
    {
        using var folder = new TempFolder();
        var config = folder.File("config.py", "import os\nos.system('touch pwned')  # must never run\nglobal_act_bit = 6  # activations\nglobal_weight_bit = 3\nckpt_path = '/data/DiT.pt'\n");
        var (plan, recipe, error) = InteropFiles.Import(folder, "import", "ditas", config, "--model", InteropFiles.TwoBlocks);
        Assert.Contains("warning QR0900: lines 1, 2: not simple assignments", error);
        Assert.False(File.Exists(Path.Combine(folder.Path, "pwned")));
        Assert.Equal(new WeightQuant(3, Granularity.PerChannel, 0, false, WeightMethod.Rtn), plan.Get(new Step(0), new Block(1), Operator.Proj).Weights);
        Assert.Equal(new ActivationQuant(6, Granularity.PerTensor, 0, false, false), plan.Get(new Step(0), new Block(1), Operator.Fc2).Activations);
        Assert.True(plan.Get(new Step(0), new Block(1), Operator.AdaLN).Weights.IsFloat);
        Assert.Equal(new SmoothSetting(SmoothMethod.Ditas, 0, new AlphaSearch(0, 1, 0.05), new LowRank(32, 10)), plan.GetSmoothing(0, Operator.Qkv));
        Assert.Equal(50, plan.Steps);
        var (code, output, exportError) = CliRunner.Run("export", "--format", "ditas", recipe);
        Assert.True(code == 0, exportError);
        Assert.Equal("global_act_bit = 6\nglobal_weight_bit = 3\n", output);
    }
}
