using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>qrecipe run on a tiny synthetic DiT: outputs, reports and bad input.</summary>
public sealed class RunCommandTests
{
    private static string Recipe(string body) =>
        $"recipe Tiny\nmodel custom {{ depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler ddim steps 4 cfg 1.5\n{body}\n";

    private static (int Code, string Output, string Error, string Folder) Run(TempFolder folder, string body, params string[] extra)
    {
        var recipe = folder.File("tiny.qrecipe", Recipe(body));
        var results = Path.Combine(folder.Path, "results");
        // A --noise file sets the sample count; an explicit --samples must then agree with it.
        var samples = extra.Contains("--noise") ? Array.Empty<string>() : new[] { "--samples", "2" };
        var (code, output, error) = CliRunner.Run(new[] { "run", recipe, "--synthetic", "--out", results }.Concat(samples).Concat(extra).ToArray());
        var created = Directory.Exists(results) ? Directory.GetDirectories(results).OrderBy(d => d).LastOrDefault() ?? string.Empty : string.Empty;
        return (code, output, error, created);
    }

    private static JsonElement Report(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json"))).RootElement;

    [Fact]
    public void Float_recipe_writes_every_output_and_has_zero_error()
    {
        using var folder = new TempFolder();
        var (code, output, error, results) = Run(folder, "weights fp\nactivations fp on all", "--compare-fp", "--class", "3", "4");
        Assert.True(code == 0, error);
        Assert.Equal("001-Tiny", Path.GetFileName(results));
        Assert.Contains("relative L2 error 0.0000e+0", output);
        foreach (var file in new[] { "samples.png", "latents.npy", "latents_fp.npy", "report.json", "report.md", "log.txt" })
            Assert.True(File.Exists(Path.Combine(results, file)), file);

        var latents = NpyFile.Read(Path.Combine(results, "latents.npy"));
        Assert.Equal(new[] { 2, 4, 8, 8 }, latents.Shape);
        Assert.Equal(latents.Values, NpyFile.Read(Path.Combine(results, "latents_fp.npy")).Values);

        // Two 8x8 latents enlarged 16 times with a 2-pixel gap.
        Assert.Equal((2 * 128 + 2, 128), Output.PngFile.Size(File.ReadAllBytes(Path.Combine(results, "samples.png"))));

        var report = Report(results);
        Assert.Equal("Tiny", report.GetProperty("recipe").GetString());
        Assert.Equal(2, report.GetProperty("samples").GetInt32());
        Assert.Equal(new[] { 3, 4 }, report.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0.0, report.GetProperty("fidelity").GetProperty("final_relative_l2").GetDouble());
        Assert.Equal(0, report.GetProperty("weight_storage").GetProperty("quantized_layers").GetInt32());
        Assert.Equal(4, report.GetProperty("fidelity").GetProperty("operator_relative_l2_per_step").GetProperty("qkv").GetArrayLength());
        Assert.Contains("done", File.ReadAllText(Path.Combine(results, "log.txt")));
    }

    [Fact]
    public void W8A8_is_more_faithful_than_W4A8_and_reports_its_storage()
    {
        using var folder = new TempFolder();
        var w8 = Run(folder, "weights int8 per-channel\nactivations int8 per-token dynamic on all", "--compare-fp");
        var w4 = Run(folder, "weights int4 group 16\nactivations int8 per-token dynamic on all", "--compare-fp");
        Assert.True(w8.Code == 0 && w4.Code == 0, w8.Error + w4.Error);
        Assert.Equal("002-Tiny", Path.GetFileName(w4.Folder));
        var e8 = Report(w8.Folder).GetProperty("fidelity").GetProperty("final_relative_l2").GetDouble();
        var e4 = Report(w4.Folder).GetProperty("fidelity").GetProperty("final_relative_l2").GetDouble();
        Assert.True(e8 > 0 && e8 < e4, $"W8A8 {e8} vs W4A8 {e4}");

        var storage = Report(w4.Folder).GetProperty("weight_storage");
        var layers = storage.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(10, layers.Count); // qkv, proj, fc1, fc2, adaLN in 2 blocks
        Assert.Equal(storage.GetProperty("quantized_bytes").GetInt64(), layers.Sum(l => l.GetProperty("bytes").GetInt64()));
        // 4-bit codes plus one FP16 scale per group of 16: 4 + 16/16 = 5 bits per weight.
        Assert.Equal(5.0, storage.GetProperty("average_bits").GetDouble(), 6);
    }

    [Fact]
    public void Without_weights_the_error_names_the_checkpoint_to_pass()
    {
        var (code, _, error) = CliRunner.Run("run", Path.Combine(CliRunner.RecipesFolder, "dit_w8a8.qrecipe"));
        Assert.Equal(2, code);
        Assert.Contains("needs its weights: pass --checkpoint PATH", error);
        Assert.Contains("DiT-XL/2-256x256.pt", error);
        Assert.Contains("--synthetic", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void A_sample_count_below_one_is_a_usage_error(string samples)
    {
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", Recipe("weights fp"));
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", samples, "--out", results);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"qrecipe: --samples {samples}: at least 1 sample", error.Trim());
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void Non_finite_initial_noise_is_an_input_error()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy");
        var values = new float[4 * 64];
        values[70] = float.NaN;
        NpyFile.WriteSingles(noise, values, 1, 4, 8, 8);
        var (code, _, error, _) = Run(folder, "weights int8", "--noise", noise);
        Assert.Equal(1, code);
        Assert.Contains("has a non-finite value NaN at flat index 70", error);
    }

    [Fact]
    public void Noise_file_of_the_wrong_shape_is_an_input_error()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy");
        NpyFile.WriteSingles(noise, new float[2 * 4 * 16 * 16], 2, 4, 16, 16);
        var (code, _, error, _) = Run(folder, "weights int8", "--noise", noise);
        Assert.Equal(1, code);
        Assert.Contains("has shape (2, 4, 16, 16); custom needs (N, 4, 8, 8) with N at least 1", error);
    }

    [Fact]
    public void Given_noise_sets_the_sample_count_and_makes_ddim_repeatable()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy");
        NpyFile.WriteSingles(noise, Enumerable.Range(0, 3 * 256).Select(i => (float)Math.Cos(i)).ToArray(), 3, 4, 8, 8);
        var first = Run(folder, "weights int8", "--noise", noise);
        var second = Run(folder, "weights int8", "--noise", noise);
        Assert.True(first.Code == 0, first.Error);
        var a = NpyFile.Read(Path.Combine(first.Folder, "latents.npy"));
        Assert.Equal(3, a.Shape[0]);
        Assert.Equal(a.Values, NpyFile.Read(Path.Combine(second.Folder, "latents.npy")).Values);
    }

    [Fact]
    public void Built_in_recipes_run_by_name()
    {
        using var folder = new TempFolder();
        var (code, output, error) = CliRunner.Run("run", "SmallCustomW4A8", "--synthetic", "--samples", "1", "--out", folder.Path);
        Assert.True(code == 0, error);
        Assert.Contains("SmallCustomW4A8: 1 samples", output);
        Assert.True(File.Exists(Path.Combine(folder.Path, "001-SmallCustomW4A8", "report.md")));
    }
}
