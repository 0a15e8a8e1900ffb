using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using QRecipe.Evaluation.Quality;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Vae;

namespace QRecipe.Cli.Run;

/// <summary>The final latents of a run decoded by the VAE (<c>--vae</c>) into RGB bytes, those of the float run too
/// under <c>--compare-fp</c>. The PSNR against the float run's images is not measured here: the run's quality
/// (<see cref="RunQuality"/>) measures every image pair once, and the "vae" report section shows those numbers.</summary>
internal sealed record DecodedImages(string VaePath, int Width, int Height, byte[][] Rgb, byte[][]? FloatRgb, TimeSpan DecodeTime)
{
    /// <summary>Decodes image by image, reporting phase "decode" after each and stopping between images when cancelled.</summary>
    public static DecodedImages Decode(VaeDecoder decoder, string vaePath, RunResult result, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var m = result.Plan.Model;
        int n = result.Labels.Length, size = m.LatentSize * decoder.Config.UpscaleFactor, latentValues = m.InChannels * m.LatentSize * m.LatentSize;
        var total = result.FloatLatents is null ? n : 2 * n;
        var done = 0;
        progress?.Report(new RunProgress("decode", 0, total));
        using var image = Tensor.Empty(1, decoder.Config.OutChannels, size, size);
        byte[][] ToBytes(float[] latents)
        {
            var rgb = new byte[n][];
            for (var i = 0; i < n; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                using (var latent = Tensor.From(latents.AsSpan(i * latentValues, latentValues), 1, m.InChannels, m.LatentSize, m.LatentSize))
                    decoder.Decode(latent, image);
                rgb[i] = new byte[3 * size * size];
                SampleImages.ToBytes(image.AsReadOnlySpan<float>(), 1, 3, size, size, rgb[i]);
                progress?.Report(new RunProgress("decode", ++done, total));
            }
            return rgb;
        }
        var recipe = ToBytes(result.Latents);
        var reference = result.FloatLatents is { } floats ? ToBytes(floats) : null;
        return new DecodedImages(vaePath, size, size, recipe, reference, clock.Elapsed);
    }

    /// <summary>The PSNR over all images together from the per-sample values: the images have the same size, so the
    /// MSE of all of them is the mean of theirs, MSE = 255² · 10^(−PSNR/10) (0 for identical images); +∞ when all are
    /// identical.</summary>
    public static double PooledPsnr(double[] samplePsnr)
    {
        var mse = samplePsnr.Average(p => double.IsPositiveInfinity(p) ? 0 : 255.0 * 255.0 * Math.Pow(10, -p / 10));
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>The "vae" object of report.json, with the PSNR of <paramref name="fidelity"/> (the run's per-sample
    /// measurement, null without --compare-fp); JSON has no infinity, so identical images give psnr null and identical true.</summary>
    public void WriteJson(Utf8JsonWriter json, FloatFidelity? fidelity)
    {
        json.WriteStartObject("vae");
        json.WriteString("file", VaePath);
        json.WriteNumber("width", Width);
        json.WriteNumber("height", Height);
        ReportNumbers.Write(json, "decode_s", DecodeTime.TotalSeconds);
        if (fidelity is not null)
        {
            var psnr = PooledPsnr(fidelity.Psnr);
            ReportNumbers.Write(json, "psnr_db_vs_fp", psnr);
            json.WriteBoolean("identical_to_fp", double.IsPositiveInfinity(psnr));
            json.WriteStartArray("psnr_db_vs_fp_per_sample");
            foreach (var value in fidelity.Psnr)
                ReportNumbers.Write(json, null, value);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    /// <summary>The section of report.md.</summary>
    public string Markdown(FloatFidelity? fidelity)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"\n## Decoded images\n\nVAE `{VaePath}`: {Rgb.Length} images of {Width}x{Height} in {DecodeTime.TotalSeconds:0.000} s (samples.png");
        if (fidelity is null)
            return text + ").\n";
        return text + string.Create(CultureInfo.InvariantCulture,
            $"; samples_fp.png from the float run). PSNR against the float run's images: **{Db(PooledPsnr(fidelity.Psnr))}** (per sample: {string.Join(", ", fidelity.Psnr.Select(Db))}).\n");
    }

    public static string Db(double psnr) => double.IsPositiveInfinity(psnr) ? "∞ (identical)" : psnr.ToString("0.00", CultureInfo.InvariantCulture) + " dB";
}
