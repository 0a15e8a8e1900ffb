using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using QRecipe.Evaluation.Quality;

namespace QRecipe.Cli.Run;

/// <summary>What a run's images are worth (docs/evaluation.md): for the bundled model, the classifier's class accuracy
/// and FID of the recipe's samples and of the float samples of the same seeds and labels; for every run with float
/// images, per-sample PSNR and SSIM against them.</summary>
internal sealed record RunQuality(ClassifierQuality? Recipe, ClassifierQuality? Float, FloatFidelity? Fidelity)
{
    public static RunQuality Measure(BundledClassifier? judge, RunImages images, int[] labels, CancellationToken cancellation)
    {
        ClassifierQuality? Judge(byte[] pixels) => judge?.Measure(pixels, images.Height, images.Width, images.Channels, labels, cancellation);
        var fidelity = images.FloatPixels is { } floats
            ? FloatFidelity.Measure(floats, images.Pixels, images.Count, images.Height, images.Width, images.Channels)
            : null;
        return new RunQuality(Judge(images.Pixels), images.FloatPixels is { } f ? Judge(f) : null, fidelity);
    }

    /// <summary>The "quality" object of report.json. JSON has no infinity or NaN: those numbers are written as null
    /// (FID of fewer than two samples, PSNR of identical images; <c>identical_to_fp</c> counts the latter).</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject("quality");
        if (Recipe is not null)
        {
            json.WriteString("classifier", BundledClassifier.NetworkFile);
            Classifier(json, "recipe", Recipe);
            if (Float is not null)
                Classifier(json, "fp", Float);
        }
        if (Fidelity is { } f)
        {
            json.WriteStartObject("vs_fp");
            ReportNumbers.Write(json, "mean_psnr_db", f.MeanPsnr);
            json.WriteNumber("identical_to_fp", f.Identical);
            json.WriteNumber("mean_ssim", f.MeanSsim);
            Numbers(json, "psnr_db_per_sample", f.Psnr);
            Numbers(json, "ssim_per_sample", f.Ssim);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void Classifier(Utf8JsonWriter json, string name, ClassifierQuality quality)
    {
        json.WriteStartObject(name);
        json.WriteNumber("class_accuracy", quality.ClassAccuracy);
        ReportNumbers.Write(json, "fid", quality.Fid);
        json.WriteStartArray("predicted_classes");
        foreach (var c in quality.Predicted)
            json.WriteNumberValue(c);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
            ReportNumbers.Write(json, null, v);
        json.WriteEndArray();
    }

    /// <summary>The section of report.md: a table with the recipe and float side by side.</summary>
    public string Markdown()
    {
        var text = new StringBuilder("\n## Sample quality\n\n");
        if (Recipe is not null)
        {
            text.Append(Invariant($"Judged by the bundled Fashion-MNIST classifier (`{BundledClassifier.NetworkFile}`); FID against its features of the 10,000 test images, on {Recipe.Samples} samples (compare FIDs at equal sample counts).\n\n"));
            text.Append("| | class accuracy | FID |\n|---|---|---|\n");
            text.Append(Invariant($"| recipe | {Recipe.ClassAccuracy * 100:0.0}% | {Fid(Recipe.Fid)} |\n"));
            if (Float is not null)
                text.Append(Invariant($"| float | {Float.ClassAccuracy * 100:0.0}% | {Fid(Float.Fid)} |\n"));
            text.Append('\n');
        }
        if (Fidelity is { } f)
            text.Append(Invariant($"Against the float sample of the same seed and label: mean PSNR {Psnr(f.MeanPsnr)} ({f.Identical} of {f.Psnr.Length} identical), mean SSIM {f.MeanSsim:0.0000}.\n"));
        return text.ToString();
    }

    /// <summary>The lines the run prints.</summary>
    public IEnumerable<string> Summary()
    {
        if (Recipe is not null)
        {
            yield return Invariant($"  quality ({Recipe.Samples} samples, bundled classifier): class accuracy {Recipe.ClassAccuracy * 100:0.0}%, FID {Fid(Recipe.Fid)}")
                + (Float is null ? string.Empty : Invariant($"; float {Float.ClassAccuracy * 100:0.0}%, FID {Fid(Float.Fid)}"));
        }
        if (Fidelity is { } f)
            yield return Invariant($"  vs float, per sample: mean PSNR {Psnr(f.MeanPsnr)} ({f.Identical} identical), mean SSIM {f.MeanSsim:0.0000}");
    }

    private static string Fid(double fid) => double.IsFinite(fid) ? fid.ToString("0.00", CultureInfo.InvariantCulture) : "n/a (fewer than 2 samples)";

    private static string Psnr(double psnr) => double.IsPositiveInfinity(psnr) ? "∞ (all identical)" : psnr.ToString("0.00", CultureInfo.InvariantCulture) + " dB";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
