using System.IO;
using System.Linq;
using System.Text.Json;

namespace QRecipe.Cli.Tests;

/// <summary>A recipe naming the bundled model runs without --checkpoint: the shipped weights are the default, and they
/// are the trained ones (random weights of this shape give about one sample in ten of the requested class).</summary>
public sealed class RunBundledWeightsTests
{
    [Fact]
    public void Bundled_recipe_runs_on_the_shipped_trained_weights()
    {
        using var folder = new TempFolder();
        var results = Path.Combine(folder.Path, "results");
        var recipe = Path.Combine(CliRunner.RecipesFolder, "fmnist_fp.qrecipe");
        var (code, _, error) = CliRunner.Run("run", recipe, "--samples", "20", "--out", results);
        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(results).Single(), "report.json"))).RootElement;
        Assert.EndsWith(Path.Combine("models", "fmnist-dit", "fmnist-dit.safetensors"), report.GetProperty("weights").GetString());
        Assert.True(report.GetProperty("quality").GetProperty("recipe").GetProperty("class_accuracy").GetDouble() >= 0.6,
            report.GetProperty("quality").ToString());
    }
}
