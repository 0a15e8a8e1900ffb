using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace QRecipe.Cli.Tests.Eval;

/// <summary>qrecipe run --eval N on the bundled model (synthetic weights of its shape): N samples, evaluated as
/// qrecipe eval evaluates the run's samples.npz against the bundled reference.</summary>
public sealed class RunEvalTests
{
    private const string Recipe = "recipe Fm\nmodel fmnist-dit/4\nsampler ddim steps 2 cfg 1\nweights int8 per-channel symmetric\n";

    [Fact]
    public void Run_with_eval_writes_eval_json_equal_to_qrecipe_eval_of_its_samples()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", Recipe);
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--eval", "6", "--out", results);
        Assert.True(code == 0, error + output);
        var run = Directory.GetDirectories(results).Single();
        var fromRun = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))).RootElement.GetProperty("metrics");
        Assert.Equal(6, JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))).RootElement.GetProperty("samples").GetProperty("count").GetInt32());
        Assert.Contains("| FID |", output);

        // FID as the run's report computes it (the classifier-quality path) and as qrecipe eval computes it from samples.npz.
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json"))).RootElement;
        Assert.Equal(report.GetProperty("quality").GetProperty("recipe").GetProperty("fid").GetDouble(), fromRun.GetProperty("fid").GetDouble(), 9);
        var json = Path.Combine(folder.Path, "eval.json");
        var statistics = Path.Combine(AppContext.BaseDirectory, "models", "fmnist-classifier", "fmnist-test-stats.npz");
        var (evalCode, _, evalError) = CliRunner.Run("eval", Path.Combine(run, "samples.npz"), "--reference", statistics, "--out", json);
        Assert.True(evalCode == 0, evalError);
        var standalone = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("metrics");
        foreach (var name in new[] { "fid", "sfid", "inception_score", "precision", "recall", "class_accuracy" })
            Assert.Equal(standalone.GetProperty(name).GetDouble(), fromRun.GetProperty(name).GetDouble());
    }

    [Fact]
    public void Eval_needs_the_bundled_model_and_agrees_with_samples()
    {
        using var folder = new TempFolder();
        var other = folder.File("s.qrecipe", "recipe S\nmodel dit-s/8 image 256\nsampler ddim steps 2\nweights int8 per-channel symmetric\n");
        var (code, _, error) = CliRunner.Run("run", other, "--synthetic", "--eval", "4", "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(1, code);
        Assert.Contains("--eval compares with the bundled Fashion-MNIST reference", error);
        var recipe = folder.File("fm.qrecipe", Recipe);
        (code, _, error) = CliRunner.Run("run", recipe, "--synthetic", "--eval", "4", "--samples", "5", "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(2, code);
        Assert.Contains("--eval 4 makes 4 samples", error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "r")));
    }
}
