using System.IO;
using System.Linq;
using QRecipe.Interop.Scmp;
using QRecipe.Language;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>import and export of scmp's SCPrecisionMap: both directions keep every SC cell.</summary>
public sealed class ScmpRoundTripTests
{
    // A two-block map (docs/cli.md, "scmp interop"): partial timewise, per-head lengths, an operator in one block only.
    private const string TwoBlockExample = """
        {"total_blocks": 2, "default_stoc_len": 256, "default_timewise": 1.0,
         "blocks": [
          {"qk": {"enabled": true, "stoc_len": 128, "timewise": 0.6, "group_stoc_lens": null},
           "av": {"enabled": true, "stoc_len": 256, "timewise": 1.0,
                  "group_stoc_lens": [256,256,256,256,128,128,128,128,64,64,64,64,32,32,32,32]}},
          {"mlp_fc1": {"enabled": true, "stoc_len": 96, "timewise": 0.3, "group_stoc_lens": null}}]}
        """;

    private const string TwoBlockModel = "custom { depth 2 hidden 1152 heads 16 patch 2 latent 32 }";

    [Fact]
    public void Two_block_example_survives_import_then_export_entry_for_entry()
    {
        using var folder = new TempFolder();
        var json = folder.File("example.json", TwoBlockExample);
        var recipe = folder.File("example.qrecipe");
        var (code, _, error) = CliRunner.Run("import", "scmp-json", json, "--model", TwoBlockModel, "--out", recipe);
        Assert.True(code == 0, error);

        var exported = folder.File("exported.json");
        (code, _, error) = CliRunner.Run("export", "--format", "scmp-json", recipe, "--out", exported);
        Assert.True(code == 0, error);

        var original = ScmpJson.Read(TwoBlockExample, "example.json");
        var roundTripped = ScmpJson.Read(File.ReadAllText(exported), "exported.json");
        Assert.Equal(original.TotalBlocks, roundTripped.TotalBlocks);
        for (var block = 0; block < original.TotalBlocks; block++)
        {
            foreach (var (key, _) in ScmpMap.Keys)
            {
                var before = original.Find(block, key);
                var after = roundTripped.Find(block, key)!;
                if (before is not { Enabled: true })
                {
                    Assert.False(after.Enabled, $"blocks[{block}].{key}");
                    continue;
                }
                Assert.True(after.Enabled, $"blocks[{block}].{key}");
                Assert.Equal(before.StocLen, after.StocLen);
                Assert.Equal(before.Timewise, after.Timewise);
                Assert.Equal(before.GroupStocLens, after.GroupStocLens);
            }
        }
    }

    [Fact]
    public void Imported_recipe_is_compact()
    {
        using var folder = new TempFolder();
        var (code, output, error) = CliRunner.Run("import", "scmp-json", folder.File("m.json", TwoBlockExample), "--model", TwoBlockModel);
        Assert.True(code == 0, error);
        // Heads 0..3 keep the operator's 256; the other twelve are three head ranges, not sixteen entries.
        Assert.Contains("av blocks 0 stream 256", output);
        Assert.Contains("av blocks 0 heads 4..7 stream 128", output);
        Assert.Contains("av blocks 0 heads 12..15 stream 32", output);
        Assert.Contains("qk blocks 0 steps noisiest 60% stream 128", output);
        Assert.Contains("fc1 blocks 1 steps noisiest 30% stream 96", output);
    }

    [Theory]
    [InlineData("dit_w4a8_sc.qrecipe", "8")]
    [InlineData("sc_per_head.qrecipe", "auto")]
    public void Bundled_recipe_survives_export_then_import_cell_for_cell(string name, string precision)
    {
        using var folder = new TempFolder();
        var source = Path.Combine(CliRunner.RecipesFolder, name);
        var original = RecipeCompiler.Compile(File.ReadAllText(source), source).Plan!;
        var json = folder.File("map.json");
        var (code, _, error) = CliRunner.Run("export", "--format", "scmp-json", source, "--out", json);
        Assert.True(code == 0, error);

        var imported = folder.File("imported.qrecipe");
        (code, _, error) = CliRunner.Run("import", "scmp-json", json, "--model", original.Model.Name, "--image", original.Model.ImageSize.ToString(),
            "--steps", original.Steps.ToString(), "--precision", precision, "--out", imported);
        Assert.True(code == 0, error);
        var plan = RecipeCompiler.Compile(File.ReadAllText(imported), imported).Plan!;

        var scCells = 0;
        for (var step = 0; step < original.Steps; step++)
        {
            for (var block = 0; block < original.Depth; block++)
            {
                foreach (var (_, op) in ScmpMap.Keys)
                {
                    var expected = original.Get(new Step(step), new Block(block), op).Sc;
                    var actual = plan.Get(new Step(step), new Block(block), op).Sc;
                    var where = $"step {step} block {block} {op}";
                    Assert.True(expected.Enabled == actual.Enabled, where);
                    if (!expected.Enabled)
                        continue;
                    scCells++;
                    Assert.True(expected.Stream == actual.Stream, where);
                    Assert.True(expected.Precision == actual.Precision, where);
                    Assert.True(expected.HeadStreams.Equals(actual.HeadStreams), where);
                    Assert.True(expected.GroupStreams.Equals(actual.GroupStreams), where);
                }
            }
        }
        Assert.True(scCells > 0);
    }

    [Fact]
    public void Exported_timewise_selects_exactly_the_same_steps_in_binary64()
    {
        for (var steps = 1; steps <= 1000; steps += steps < 60 ? 1 : 37)
        {
            for (var k = 0; k <= steps; k++)
            {
                var fraction = ScmpExporter.Timewise(k, steps);
                Assert.Equal(k, (int)System.Math.Floor(fraction * steps));
                Assert.True(fraction - (double)k / steps <= 1e-15, "k/T itself, up to rounding");
            }
        }
    }

    [Theory]
    [InlineData(0.6, "60")]
    [InlineData(0.29, "29")]
    [InlineData(0.125, "12.5")]
    [InlineData(1.0 / 3, "33")] // no decimal P gives ⌊T/3⌋ for every T (P = 33.3…3 misses T = 3); 33 is right at T = 50
    public void Short_fractions_become_exact_percentages(double fraction, string percent) =>
        Assert.Equal(percent, ScmpImporter.Percent(fraction, 50));

    [Fact]
    public void Imported_percentage_selects_the_steps_scmp_selects()
    {
        var random = new System.Random(7);
        var fractions = Enumerable.Range(0, 200).Select(_ => random.NextDouble())
            .Concat(new[] { 0.29, 0.57, 0.1, 0.3, 0.6, 1.0 / 3, 0.999999 });
        foreach (var fraction in fractions)
        {
            foreach (var steps in new[] { 7, 50, 100, 250, 1000 })
            {
                var percent = ScmpImporter.Percent(fraction, steps);
                var recipe = $"recipe P\nmodel dit-s/8\nsampler ddpm steps {steps}\nactivations int8 on all\nsc precision 8 {{\n  qk steps noisiest {percent}% stream 64\n}}\n";
                var plan = RecipeCompiler.Compile(recipe).Plan;
                var expected = (int)System.Math.Floor(fraction * steps);
                if (expected == 0)
                    continue; // the recipe warns and selects nothing; the importer leaves such entries out
                Assert.NotNull(plan);
                var selected = Enumerable.Range(0, steps).Count(s => plan!.Get(new Step(s), new Block(0), Operator.Qk).Sc.Enabled);
                Assert.True(expected == selected, $"timewise {fraction:R} as {percent}% of {steps} steps");
            }
        }
    }
}
