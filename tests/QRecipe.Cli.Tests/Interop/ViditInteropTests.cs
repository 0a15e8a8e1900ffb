using System.IO;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>ViDiT-Q YAML: the legacy layout with its FP list and timestep-wise widths, the 2025 layout with regex
/// slots and smoothing, and hostile YAML.</summary>
public sealed class ViditInteropTests
{
    [Fact]
    public void Legacy_layout_with_step_ranges_lands_on_the_right_cells()
    {
        using var folder = new TempFolder();
        var (plan, recipe, error) = InteropFiles.Import(folder, "import", "viditq", InteropFiles.Data("vidit_legacy.yaml"),
            "--mp-weight", InteropFiles.Data("vidit_mp_weight.yaml"), "--model", InteropFiles.TwoBlocks);
        // Ranges are sampler-step indices counted down: '3-2' is the noisiest half, recipe steps 0..1.
        Assert.Equal(4, plan.Steps);
        Assert.Equal(8, plan.Get(new Step(0), new Block(1), Operator.Qkv).Weights.Bits);
        Assert.Equal(8, plan.Get(new Step(1), new Block(0), Operator.Fc2).Weights.Bits);
        Assert.Equal(4, plan.Get(new Step(0), new Block(0), Operator.AdaLN).Weights.Bits); // not named in 3-2: the base width
        // '1-0': block 0 fc1 at 6, block 1's q, k, v at 6 (one qkv), block 0's adaLN FP by its fp_layers pattern.
        Assert.Equal(6, plan.Get(new Step(2), new Block(0), Operator.Fc1).Weights.Bits);
        Assert.Equal(6, plan.Get(new Step(3), new Block(1), Operator.Qkv).Weights.Bits);
        Assert.Equal(4, plan.Get(new Step(3), new Block(0), Operator.Qkv).Weights.Bits);
        Assert.True(plan.Get(new Step(3), new Block(0), Operator.AdaLN).Weights.IsFloat && plan.Get(new Step(3), new Block(0), Operator.AdaLN).Activations.IsFloat);
        Assert.Equal(new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), plan.Get(new Step(2), new Block(1), Operator.Proj).Weights);
        Assert.Equal(new ActivationQuant(8, Granularity.PerToken, 0, false, false), plan.Get(new Step(0), new Block(0), Operator.Fc1).Activations);
        // remain_fp.txt keeps the embedders and the final layer FP; smoothing α 0.25 (the same in both time ranges).
        Assert.True(plan.GetGlobal(0, Operator.Embed).Weights.IsFloat);
        Assert.Equal(SmoothMethod.SmoothQuant, plan.GetSmoothing(1, Operator.Fc2).Method);
        Assert.Equal(0.25, plan.GetSmoothing(1, Operator.Fc2).Alpha);
        Assert.Contains("warning QR0901: FP pattern 'fc1_'", error);
        Assert.Contains("warning QR0901: vidit_mp_weight.yaml: 1 names at steps 2..3 are no layer of the model", error);
        Assert.Contains("// calib_data.path", File.ReadAllText(recipe));
    }

    [Fact]
    public void Layout_2025_survives_import_export_import()
    {
        using var folder = new TempFolder();
        var (plan, recipe, error) = InteropFiles.Import(folder, "import", "viditq", InteropFiles.Data("vidit_2025.yaml"), "--model", InteropFiles.TwoBlocks);
        // Default widths n_bits[i_bitwidth]: W4 asymmetric, A8 symmetric; 'blocks\.1\.mlp|adaLN' in slot 2 is 8-bit weights;
        // 'blocks\.0\.adaLN' in the activation FP slot turns the whole layer FP; 'fc2' in slot 1 is 4-bit activations.
        Assert.Equal(4, plan.Get(new Step(0), new Block(0), Operator.Fc1).Weights.Bits);
        Assert.Equal(8, plan.Get(new Step(0), new Block(1), Operator.Fc1).Weights.Bits);
        Assert.Equal(8, plan.Get(new Step(0), new Block(1), Operator.AdaLN).Weights.Bits);
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.AdaLN).Weights.IsFloat);
        Assert.Equal(4, plan.Get(new Step(0), new Block(0), Operator.Fc2).Activations.Bits);
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Fc2).Activations.Symmetric);
        Assert.True(plan.GetGlobal(0, Operator.Final).Weights.IsFloat);
        // The 2025 α weighs the weights: 0.75 there is migration 0.25 here, on the layers the regex selects.
        Assert.Equal(0.25, plan.GetSmoothing(0, Operator.Qkv).Alpha, 12);
        Assert.Equal(SmoothMethod.None, plan.GetSmoothing(0, Operator.Proj).Method);
        Assert.Contains("warning QR0901: line 28: quarot.layer_name_regex 'cross_attn' matches no layer", error);

        var yaml = folder.File("exported.yaml");
        var (code, _, exportError) = CliRunner.Run("export", "--format", "viditq", recipe, "--out", yaml);
        Assert.True(code == 0, exportError);
        Assert.Contains("alpha: 0.75", File.ReadAllText(yaml));
        using var again = new TempFolder();
        var (roundTripped, _, _) = InteropFiles.Import(again, "import", "viditq", yaml, "--model", InteropFiles.TwoBlocks, "--name", "Vidit2025");
        Assert.Equal(plan.Palette, roundTripped.Palette);
        Assert.Equal(plan.Cells, roundTripped.Cells);
        Assert.Equal(plan.Smoothing, roundTripped.Smoothing);
    }

    [Fact]
    public void Legacy_export_holds_step_ranges_fp_layers_and_smoothing_and_imports_back_to_the_same_plan()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("r.qrecipe", $$"""
            recipe Legacy
            model {{InteropFiles.TwoBlocks}}
            sampler ddpm steps 4
            calibrate samples 8 batch 4
            weights int4 per-channel symmetric on qkv, proj, fc1, fc2, adaln
            activations int8 per-token asymmetric dynamic on qkv, proj, fc1, fc2, adaln
            smooth smoothquant alpha 0.5 on qkv, proj, fc1, adaln
            at blocks 0 { smooth smoothquant alpha 0.5 on fc2 }
            at steps 0..1 { weights int8 on fc1 }
            at blocks 1 steps 2..3 {
              weights int6 on qkv
              activations int6 per-token asymmetric dynamic on proj
            }
            at blocks 0 steps 2..3 { weights fp on adaln
              activations fp on adaln }
            at blocks 1 { weights fp on fc2
              activations fp on fc2 }
            """);
        var original = RecipeCompilerPlan(recipe);
        var yaml = Path.Combine(folder.Path, "out.yaml");
        var (code, _, error) = CliRunner.Run("export", "--format", "viditq-legacy", recipe, "--out", yaml);
        Assert.True(code == 0, error);
        // Recipe steps 0..1 are the noisiest: sampler indices 3..2 of 4.
        Assert.Equal("blocks.1.mlp.fc2\nx_embedder.proj\nt_embedder.mlp.0\nt_embedder.mlp.2\nfinal_layer.linear\nfinal_layer.adaLN_modulation.1\n",
            File.ReadAllText(Path.Combine(folder.Path, "out_fp_list.txt")));
        var weightMp = File.ReadAllText(Path.Combine(folder.Path, "out_mp_weight.yaml"));
        Assert.Contains("3-2:\n  blocks.0.mlp.fc1: 8\n  blocks.1.mlp.fc1: 8\n1-0:\n  blocks.1.attn.qkv: 6\n", weightMp);
        Assert.Contains("  1-0: [blocks.0.adaLN_modulation.1]", weightMp);
        Assert.Contains("alpha: 0.5", File.ReadAllText(yaml));

        using var again = new TempFolder();
        var (back, _, _) = InteropFiles.Import(again, "import", "viditq", yaml, "--mp-weight", Path.Combine(folder.Path, "out_mp_weight.yaml"),
            "--mp-act", Path.Combine(folder.Path, "out_mp_act.yaml"), "--model", InteropFiles.TwoBlocks, "--name", "Legacy");
        for (var step = 0; step < 4; step++)
        {
            for (var block = 0; block < 2; block++)
            {
                foreach (var op in Operators.PerBlock)
                    Assert.Equal(original.Get(new Step(step), new Block(block), op), back.Get(new Step(step), new Block(block), op));
            }
            foreach (var op in Operators.Global)
                Assert.Equal(original.GetGlobal(step, op), back.GetGlobal(step, op));
        }
        Assert.Equal(original.Smoothing, back.Smoothing);
        Assert.Equal(original.Calibration, back.Calibration);
    }

    [Fact]
    public void Legacy_export_refuses_mixed_quantizers_and_partial_smoothing_with_a_list_and_writes_nothing()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("r.qrecipe", $"recipe R\nmodel {InteropFiles.TwoBlocks}\nsampler ddpm steps 4\ncalibrate\nweights int4 per-channel gptq\nweights int4 group 64 on fc2\nactivations int8 per-token dynamic\nsmooth smoothquant alpha 0.5 on fc1\n");
        var yaml = Path.Combine(folder.Path, "out.yaml");
        var (code, _, error) = CliRunner.Run("export", "--format", "viditq-legacy", recipe, "--out", yaml);
        Assert.Equal(1, code);
        Assert.Contains("error QR0906", error);
        Assert.Contains("weight quantizers differ beyond their widths", error);
        Assert.Contains("smoothing leaves out block 0 qkv", error);
        Assert.Equal(new[] { "r.qrecipe" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    private static RecipePlan RecipeCompilerPlan(string recipe) => QRecipe.Language.RecipeCompiler.Compile(File.ReadAllText(recipe), recipe).Plan!;

    [Fact]
    public void Export_refuses_step_ranges_and_other_methods_with_a_list()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("r.qrecipe", $"recipe R\nmodel {InteropFiles.TwoBlocks}\nsampler ddpm steps 4\nweights int4 per-channel gptq\nactivations int8 per-token dynamic\ncalibrate\nat steps 0 {{ activations int6 on fc1 }}\n");
        var (code, _, error) = CliRunner.Run("export", "--format", "viditq", recipe);
        Assert.Equal(1, code);
        Assert.Contains("error QR0906", error);
        Assert.Contains("activations change at step 1", error);
        Assert.Contains("round to nearest", error);
    }

    [Theory]
    [InlineData("a: &x [1, 2]\nb: *x\n", "line 2: b is an alias")]
    [InlineData("a: &a [x,x,x]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n", "is an alias")]
    [InlineData("weight: !!python/object:os.system {}\n", "has the tag tag:yaml.org,2002:python/object:os.system")]
    [InlineData("weight: !custom 4\n", "has the tag !custom")]
    [InlineData("weight:\n  n_bits: 4\n  n_bits: 8\n", "line 3: weight.n_bits is given twice")]
    [InlineData("weight: {n_bits: [4, 8\n", "not valid YAML")]
    [InlineData("a: 1\n---\nb: 2\n", "a second YAML document")]
    [InlineData("weight:\n  n_bits: four\n  sym: true\nact:\n  n_bits: 8\n", "line 2: weight.n_bits must be a whole number, got 'four'")]
    [InlineData("weight:\n  n_bits: [4, 8]\nact:\n  n_bits: 8\n", "weight.i_bitwidth (the default's index) is missing")]
    public void Hostile_or_wrong_yaml_is_refused_with_path_and_line(string yaml, string expected)
    {
        using var folder = new TempFolder();
        var file = folder.File("bad.yaml", yaml);
        var (code, output, error) = CliRunner.Run("import", "viditq", file);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        using var folder = new TempFolder();
        var file = folder.File("deep.yaml", new string('[', 10_000) + new string(']', 10_000) + "\n");
        var (code, _, error) = CliRunner.Run("import", "viditq", file);
        Assert.Equal(1, code);
        Assert.Contains("nested more than 64 levels deep", error);
    }

    [Fact]
    public void A_regex_that_selects_nothing_is_a_diagnostic_and_stays_in_the_comments()
    {
        using var folder = new TempFolder();
        var file = folder.File("w.yaml", "remain_fp_regex: 'embedder|final_layer|blocks\\.2\\.'\nweight:\n  n_bits: 8\nact:\n  n_bits: 8\nviditq:\n  alpha: 0.5\n  layer_name_regex: 'cross_attn'\n");
        var (_, recipe, error) = InteropFiles.Import(folder, "import", "viditq", file, "--model", InteropFiles.TwoBlocks);
        Assert.Contains("warning QR0901: line 8: viditq.layer_name_regex 'cross_attn' matches no layer of the model", error);
        Assert.Contains("warning QR0900: viditq: its Hadamard rotation has no recipe form", error);
        Assert.Contains("// viditq: its Hadamard rotation", File.ReadAllText(recipe));
    }
}
