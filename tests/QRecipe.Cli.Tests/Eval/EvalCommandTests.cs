using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests.Eval;

/// <summary>qrecipe eval end to end: a tiny ONNX feature network whose outputs are exact in float32, read at 16 x 16
/// from 8 x 8 images (bilinear resizing), against Eval/Data/eval_golden.json, which
/// tests/QRecipe.Evaluation.Tests/Data/make_eval_reference.py computed from the images in float64 without ONNX
/// Runtime; and one line with exit 1 for each kind of bad input.</summary>
public sealed class EvalCommandTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Eval", "Data", name);

    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(Data("eval_golden.json"))).RootElement;

    private static string[] Tiny(string samples, string reference, string json) =>
        new[] { "eval", samples, "--reference", reference, "--features", Data("tiny_features.onnx"), "--range", "0,255", "--pooled-output", "pooled", "--out", json };

    [Fact]
    public void Every_metric_matches_the_float64_reference_and_the_reference_statistics_are_cached()
    {
        using var folder = new TempFolder();
        var reference = Path.Combine(folder.Path, "reference.npz");
        File.Copy(Data("reference.npz"), reference);
        var json = Path.Combine(folder.Path, "eval.json");
        var (code, output, error) = CliRunner.Run(Tiny(Data("samples.npz"), reference, json));
        Assert.True(code == 0, error + output);
        var metrics = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("metrics");
        AssertRelative("fid", metrics, 1e-6);
        AssertRelative("sfid", metrics, 1e-6);
        AssertRelative("inception_score", metrics, 1e-9);
        foreach (var exact in new[] { "precision", "recall", "class_accuracy" })
            Assert.Equal(Golden.GetProperty(exact).GetDouble(), metrics.GetProperty(exact).GetDouble());
        Assert.Contains("| FID |", output);

        // The reference's statistics went to a cache beside it (mu, sigma, mu_s, sigma_s, features, radii_k3, fingerprint,
        // reference_file); the second run reads it and reports the same numbers.
        var cache = Assert.Single(Directory.GetFiles(folder.Path, "reference.stats-*.npz"));
        var arrays = NpzFile.Read(cache);
        Assert.Equal(new[] { "features", "fingerprint", "mu", "mu_s", "radii_k3", "reference_file", "sigma", "sigma_s" }, arrays.Keys.Order());
        Assert.Equal(new[] { 120, 16 }, arrays["features"].Shape);
        var (again, secondOutput, _) = CliRunner.Run(Tiny(Data("samples.npz"), reference, json));
        Assert.Equal(0, again);
        Assert.Contains("from the cache", secondOutput);
        Assert.Equal(metrics.GetProperty("fid").GetDouble(), JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("metrics").GetProperty("fid").GetDouble());

        // The cache given as the reference itself is a statistics file made by this network: same numbers.
        var (fromStats, _, statsError) = CliRunner.Run(Tiny(Data("samples.npz"), cache, json));
        Assert.True(fromStats == 0, statsError);
        Assert.Equal(Golden.GetProperty("recall").GetDouble(), JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("metrics").GetProperty("recall").GetDouble());
    }

    [Fact]
    public void Bundled_classifier_against_the_bundled_statistics_reports_every_metric()
    {
        using var folder = new TempFolder();
        // 6 copies of one synthetic image per class: every metric is defined; labels 0..5.
        var images = new byte[12 * 28 * 28];
        for (int i = 0; i < images.Length; i++)
            images[i] = (byte)(i * 7 % 256);
        var samples = Path.Combine(folder.Path, "samples.npz");
        NpzFile.Write(samples, new[] { NpzFile.Bytes("arr_0", images, 12, 28, 28, 1), NpzFile.Int64s("arr_1", Enumerable.Range(0, 12).Select(i => (long)(i % 6)).ToArray(), 12) });
        var statistics = Path.Combine(AppContext.BaseDirectory, "models", "fmnist-classifier", "fmnist-test-stats.npz");
        var (code, output, error) = CliRunner.Run("eval", samples, "--reference", statistics);
        Assert.True(code == 0, error + output);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "eval.json"))).RootElement;
        var metrics = report.GetProperty("metrics");
        foreach (var name in new[] { "fid", "sfid", "inception_score", "precision", "recall", "class_accuracy" })
            Assert.Equal(JsonValueKind.Number, metrics.GetProperty(name).ValueKind);
        Assert.True(report.GetProperty("feature_network").GetProperty("bundled").GetBoolean());
        Assert.Equal(10000, report.GetProperty("reference").GetProperty("count").GetInt32());
        Assert.Empty(report.GetProperty("unavailable").EnumerateObject());
    }

    [Theory]
    [InlineData("float-images", "'arr_0' holds '<f4'")]
    [InlineData("three-dims", "must be N x H x W x C")]
    [InlineData("one-sample", "at least 2 samples, got 1")]
    [InlineData("missing-output", "no output 'nope'")]
    [InlineData("feature-size", "makes 16 features per image, the reference statistics have 3")]
    [InlineData("non-finite", "non-finite")]
    [InlineData("not-npz", "not a readable .npz archive")]
    public void Bad_input_is_one_line_and_exit_1(string kind, string message)
    {
        using var folder = new TempFolder();
        var samples = Data("samples.npz");
        var reference = Data("reference.npz");
        var args = Tiny(samples, reference, Path.Combine(folder.Path, "eval.json")).ToList();
        switch (kind)
        {
            case "float-images":
                samples = Path.Combine(folder.Path, "f.npz");
                NpzFile.Write(samples, new[] { NpzFile.Singles("arr_0", new float[2 * 64], 2, 8, 8, 1) });
                break;
            case "three-dims":
                samples = Path.Combine(folder.Path, "g.npz");
                NpzFile.Write(samples, new[] { NpzFile.Bytes("arr_0", new byte[2 * 64], 2, 8, 8) });
                break;
            case "one-sample":
                samples = Path.Combine(folder.Path, "one.npz");
                NpzFile.Write(samples, new[] { NpzFile.Bytes("arr_0", new byte[64], 1, 8, 8, 1) });
                break;
            case "missing-output":
                args[args.IndexOf("pooled")] = "nope";
                break;
            case "feature-size":
                reference = Path.Combine(folder.Path, "stats.npz");
                NpzFile.Write(reference, new[] { NpzFile.Doubles("mu", new double[3], 3), NpzFile.Doubles("sigma", new double[9], 3, 3) });
                break;
            case "non-finite":
                reference = Path.Combine(folder.Path, "stats.npz");
                var sigma = new double[256];
                sigma[17] = double.PositiveInfinity;
                NpzFile.Write(reference, new[] { NpzFile.Doubles("mu", new double[16], 16), NpzFile.Doubles("sigma", sigma, 16, 16) });
                break;
            case "not-npz":
                samples = folder.File("text.npz", "not a zip");
                break;
        }
        args[1] = samples;
        args[3] = reference;
        var (code, output, error) = CliRunner.Run(args.ToArray());
        Assert.True(code == 1, $"exit {code}: {error}{output}");
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(Path.Combine(folder.Path, "eval.json")));
    }

    private static void AssertRelative(string name, JsonElement metrics, double bound)
    {
        double expected = Golden.GetProperty(name).GetDouble(), actual = metrics.GetProperty(name).GetDouble();
        Assert.True(Math.Abs(actual - expected) <= bound * Math.Abs(expected), $"{name} {actual:R}, float64 reference {expected:R}");
    }
}
