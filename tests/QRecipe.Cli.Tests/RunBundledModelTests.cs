using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Cli.Tests.Output;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>qrecipe run on the bundled pixel-space model (synthetic weights of its shape): the samples as images in
/// samples.npz, the pictures, and the quality section checked against numbers recomputed here from the latents.</summary>
public sealed class RunBundledModelTests
{
    private const string Recipe = "recipe Fm\nmodel fmnist-dit/4\nsampler ddim steps 3 cfg 2\nweights int4 per-channel symmetric\nactivations int8 per-token dynamic\n";

    [Fact]
    public void Pixel_space_run_writes_adm_samples_pictures_and_quality()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", Recipe);
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", "5", "--class", "1", "1", "4", "9", "9", "--compare-fp", "--out", results);
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(results).Single();
        foreach (var name in new[] { "samples.png", "compare.png", "errors.png", "samples.npz", "report.json" })
            Assert.True(File.Exists(Path.Combine(run, name)), name);

        // samples.npz holds the latents as DiT saves images: floor(clamp(127.5 x + 128, 0, 255)), channels last.
        var latents = NpyFile.Read(Path.Combine(run, "latents.npy")).Values;
        var npz = NpzFile.Read(Path.Combine(run, "samples.npz"));
        Assert.Equal("|u1", npz["arr_0"].DType);
        Assert.Equal(new[] { 5, 28, 28, 1 }, npz["arr_0"].Shape);
        Assert.Equal(new double[] { 1, 1, 4, 9, 9 }, npz["arr_1"].Values);
        var pixels = latents.Select(v => Math.Floor(Math.Clamp(127.5 * (float)v + 128, 0, 255))).ToArray();
        Assert.Equal(pixels, npz["arr_0"].Values);

        // Class accuracy is the share of predicted classes equal to the requested ones.
        var quality = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json"))).RootElement.GetProperty("quality");
        var recipeQuality = quality.GetProperty("recipe");
        var predicted = recipeQuality.GetProperty("predicted_classes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(predicted.Zip(new[] { 1, 1, 4, 9, 9 }).Count(p => p.First == p.Second) / 5.0, recipeQuality.GetProperty("class_accuracy").GetDouble(), 12);
        Assert.True(recipeQuality.GetProperty("fid").GetDouble() > 0);
        Assert.True(quality.GetProperty("fp").GetProperty("fid").GetDouble() > 0);

        // quant_cache.json: the per-layer sizes add up, average bits against FP16, the metrics of report.json.
        var cache = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "quant_cache.json"))).RootElement;
        var layers = cache.GetProperty("config").EnumerateObject().ToList();
        Assert.Equal(30, layers.Count); // qkv, proj, fc1, fc2, adaln in 6 blocks
        Assert.All(layers, l => Assert.Equal("rtn-4", l.Value[0].GetString()));
        var quantizedSize = layers.Sum(l => l.Value[2].GetInt64());
        var fp16Size = layers.Sum(l => l.Value[1].GetInt64());
        Assert.Equal(2L * 6 * (49152 + 16384 + 65536 + 65536 + 98304), fp16Size);
        Assert.Equal(quantizedSize, cache.GetProperty("quantized_size").GetInt64());
        Assert.Equal(16.0 * quantizedSize / fp16Size, cache.GetProperty("avg_bits").GetDouble(), 12);
        // 3 steps at CFG 2 = 6 passes of (6 blocks × (9732096 MACs at 4 × 16 + 614656 at 16 × 16) + 301056 at 16 × 16).
        Assert.Equal(6.0 * (6 * (64.0 * 9732096 + 256.0 * 614656) + 256.0 * 301056) / 1e12, cache.GetProperty("bops").GetDouble(), 15);
        Assert.Equal(recipeQuality.GetProperty("fid").GetDouble(), cache.GetProperty("fid").GetDouble());
        Assert.Equal(recipeQuality.GetProperty("class_accuracy").GetDouble(), cache.GetProperty("class_accuracy").GetDouble());

        // PSNR per sample against the float sample, recomputed from the two latent files.
        var floats = NpyFile.Read(Path.Combine(run, "latents_fp.npy")).Values;
        var psnr = quality.GetProperty("vs_fp").GetProperty("psnr_db_per_sample").EnumerateArray().ToArray();
        for (int s = 0; s < 5; s++)
        {
            double mse = 0;
            for (int p = 0; p < 784; p++)
            {
                double a = Math.Floor(Math.Clamp(127.5 * (float)floats[s * 784 + p] + 128, 0, 255));
                mse += Math.Pow(a - pixels[s * 784 + p], 2) / 784;
            }
            if (mse == 0)
                Assert.Equal(JsonValueKind.Null, psnr[s].ValueKind);
            else
                Assert.Equal(10 * Math.Log10(255.0 * 255.0 / mse), psnr[s].GetDouble(), 9);
        }
        Assert.Contains("class accuracy", output);
        Assert.Contains("samples.npz", output);

        // The picture: one row per requested class (3 rows), float beside recipe.
        var (width, height) = PngFile.Size(File.ReadAllBytes(Path.Combine(run, "compare.png")));
        Assert.True(width > 2 * 2 * 84 && height > 3 * 84, $"{width}x{height}");
    }
}
