using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Runtime.Tests.Checkpoints;
using QRecipe.Runtime.Vae;

namespace QRecipe.Cli.Tests;

/// <summary>qrecipe run --vae on the tiny synthetic DiT (latent 8) with the tiny VAE of the runtime tests (three
/// levels: 4× upscaling, so 32×32 images).</summary>
public sealed class RunVaeTests
{
    private static readonly string TinyVae = Path.Combine(AppContext.BaseDirectory, "Vae", "tiny_vae.safetensors");

    private static (int Code, string Output, string Error, string Folder) Run(TempFolder folder, string body, params string[] extra)
    {
        var recipe = folder.File("tiny.qrecipe", $"recipe Tiny\nmodel custom {{ depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler ddim steps 4 cfg 1.5\n{body}\n");
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run(new[] { "run", recipe, "--synthetic", "--samples", "2", "--out", results }.Concat(extra).ToArray());
        var created = Directory.Exists(results) ? Directory.GetDirectories(results).OrderBy(d => d).LastOrDefault() ?? string.Empty : string.Empty;
        return (code, output, error, created);
    }

    /// <summary>Width, height and the RGB bytes of a PNG, decoded by SkiaSharp.</summary>
    private static (int Width, int Height, byte[] Rgb) DecodePng(string path)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        var rgb = new byte[3 * bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                var i = 3 * (y * bitmap.Width + x);
                (rgb[i], rgb[i + 1], rgb[i + 2]) = (pixel.Red, pixel.Green, pixel.Blue);
            }
        }
        return (bitmap.Width, bitmap.Height, rgb);
    }

    [Fact]
    public void Decoded_samples_fill_the_png_and_the_report_has_a_finite_psnr()
    {
        using var folder = new TempFolder();
        var (code, output, error, results) = Run(folder, "weights int4 group 16\nactivations int8 per-token dynamic on all", "--compare-fp", "--vae", TinyVae);
        Assert.True(code == 0, error);
        // Two 32×32 images side by side with a 2-pixel gap.
        var (width, height, rgb) = DecodePng(Path.Combine(results, "samples.png"));
        Assert.Equal((66, 32), (width, height));
        Assert.All(Enumerable.Range(0, 32), y => Assert.Equal(new byte[] { 255, 255, 255, 255, 255, 255 }, rgb.AsSpan((y * 66 + 32) * 3, 6).ToArray()));
        var (fpWidth, fpHeight, fpRgb) = DecodePng(Path.Combine(results, "samples_fp.png"));
        Assert.Equal((66, 32), (fpWidth, fpHeight));
        Assert.NotEqual(rgb, fpRgb);

        var vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "report.json"))).RootElement.GetProperty("vae");
        Assert.Equal(32, vae.GetProperty("width").GetInt32());
        var psnr = vae.GetProperty("psnr_db_vs_fp").GetDouble();
        Assert.True(double.IsFinite(psnr) && psnr > 0, $"PSNR {psnr}");
        Assert.False(vae.GetProperty("identical_to_fp").GetBoolean());
        Assert.Equal(2, vae.GetProperty("psnr_db_vs_fp_per_sample").GetArrayLength());
        // The overall PSNR comes from the MSE over both images, so it lies between the two per-sample values.
        var perSample = vae.GetProperty("psnr_db_vs_fp_per_sample").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.InRange(psnr, perSample.Min() - 1e-9, perSample.Max() + 1e-9);
        // One measurement: the VAE section shows the per-sample PSNR of the quality section.
        var quality = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "report.json"))).RootElement.GetProperty("quality").GetProperty("vs_fp");
        Assert.Equal(quality.GetProperty("psnr_db_per_sample").EnumerateArray().Select(e => e.GetDouble()), perSample);
        Assert.Contains("PSNR against the float run's images", File.ReadAllText(Path.Combine(results, "report.md")));
        Assert.Contains("VAE decoded 2 images of 32x32", output);
        Assert.Contains("PSNR vs float", output);
        // Both runs' images, one progress line each.
        Assert.Contains("VAE decoding 4/4", File.ReadAllText(Path.Combine(results, "log.txt")));
    }

    [Fact]
    public void A_float_recipe_decodes_to_identical_images()
    {
        using var folder = new TempFolder();
        var (code, output, error, results) = Run(folder, "weights fp\nactivations fp on all", "--compare-fp", "--vae", TinyVae);
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(results, "samples_fp.png")), File.ReadAllBytes(Path.Combine(results, "samples.png")));
        var vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "report.json"))).RootElement.GetProperty("vae");
        Assert.Equal(JsonValueKind.Null, vae.GetProperty("psnr_db_vs_fp").ValueKind);
        Assert.True(vae.GetProperty("identical_to_fp").GetBoolean());
        Assert.Contains("PSNR vs float ∞ (identical)", output);
    }

    [Fact]
    public void Missing_or_unusable_vae_files_fail_in_one_line_before_sampling()
    {
        using var folder = new TempFolder();
        var absent = Path.Combine(folder.Path, "absent.safetensors");
        var (code, _, error, results) = Run(folder, "weights int8", "--vae", absent);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --vae {absent}: no such file", error.TrimEnd('\n'));
        Assert.Equal(string.Empty, results);

        var text = folder.File("notes.txt", "not weights at all");
        (code, _, error, _) = Run(folder, "weights int8", "--vae", text);
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: VAE {text}: not a recognised checkpoint: expected a PyTorch .pt (a zip starting with 'PK') or a .safetensors file (a header length and a JSON header)", error.TrimEnd('\n'));

        // The tiny VAE without its config.json: 32 groups are assumed, which its 16 channels cannot split into.
        var bare = Path.Combine(folder.Path, "bare.safetensors");
        File.Copy(TinyVae, bare);
        (code, _, error, _) = Run(folder, "weights int8", "--vae", bare);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("16 channels do not split into 32 groups", error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "results")));

        // A well-formed VAE for 3-channel latents (zero weights, 32 groups so no config.json is needed).
        var threeChannel = Path.Combine(folder.Path, "three.safetensors");
        WriteZeroVae(threeChannel, new VaeConfig(3, [32], 0, 32, 3, 0.18215f));
        (code, _, error, _) = Run(folder, "weights int8", "--vae", threeChannel);
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: VAE {threeChannel} decodes 3-channel latents, but custom samples 4 channels", error.TrimEnd('\n'));
    }

    private static void WriteZeroVae(string path, VaeConfig config) =>
        SafetensorsFileWriter.WriteF32(path, VaeKeys.Expected(config).Select(k => (k.Name, k.Shape, new float[k.Shape.Aggregate(1, (p, d) => p * d)])).ToList());

    /// <summary>The overall PSNR of the VAE section comes from the per-sample values: equal-size images, so the overall
    /// MSE is the mean of the per-sample MSEs. PSNR 20 dB is MSE 650.25; with an identical image (MSE 0) beside it the
    /// mean MSE halves, which adds 10·log10(2) dB.</summary>
    [Fact]
    public void The_overall_psnr_pools_the_per_sample_mse()
    {
        Assert.Equal(20 + 10 * Math.Log10(2), QRecipe.Cli.Run.DecodedImages.PooledPsnr([20, double.PositiveInfinity]), 12);
        Assert.Equal(31.5, QRecipe.Cli.Run.DecodedImages.PooledPsnr([31.5, 31.5, 31.5]), 12);
        // MSE 650.25 and 6.5025 (20 and 40 dB): mean 328.37625, 10·log10(65025 / 328.37625) = 22.967086...
        Assert.Equal(10 * Math.Log10(65025 / 328.37625), QRecipe.Cli.Run.DecodedImages.PooledPsnr([20, 40]), 12);
        Assert.Equal(double.PositiveInfinity, QRecipe.Cli.Run.DecodedImages.PooledPsnr([double.PositiveInfinity, double.PositiveInfinity]));
    }
}
