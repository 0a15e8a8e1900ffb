using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using QRecipe.Cli.Run;
using QRecipe.Evaluation.Features;
using QRecipe.Evaluation.Quality;
using QRecipe.Evaluation.Statistics;

namespace QRecipe.Cli.Eval;

/// <summary>The printed table and <c>eval.json</c> of an evaluation (docs/cli.md lists the keys), shared by
/// <c>qrecipe eval</c> and <c>qrecipe run --eval</c>.</summary>
internal sealed record EvalReport(SampleEvaluation Metrics, string Samples, string Reference, string ReferenceKind, int? ReferenceCount, string? ReferenceCache,
    FeatureNetwork Network, bool BundledNetwork, TimeSpan FeatureTime, TimeSpan MetricTime)
{
    /// <summary>A table of the metrics, one row each, "n/a" with the reason where a metric is unavailable.</summary>
    public IEnumerable<string> Table()
    {
        var m = Metrics;
        yield return "  | metric | value |";
        yield return "  |---|---|";
        yield return Row("FID", Text(m.Fid, "0.0000"));
        yield return Row("sFID", m.SFid is { } s ? Text(s, "0.0000") : NotAvailable("sfid"));
        yield return Row(m.InceptionScoreSplits is { } splits ? $"Inception-style score ({splits.Length} split{(splits.Length == 1 ? "" : "s")} of ≤{InceptionScore.AdmSplitSize})" : "Inception-style score",
            m.InceptionScore is { } score ? Text(score, "0.0000") : NotAvailable("inception_score"));
        yield return Row($"precision (k = {SampleEvaluation.Neighbours})", m.Precision is { } p ? Text(p, "0.0000") : NotAvailable("precision_recall"));
        yield return Row($"recall (k = {SampleEvaluation.Neighbours})", m.Recall is { } r ? Text(r, "0.0000") : NotAvailable("precision_recall"));
        yield return Row("class accuracy", m.ClassAccuracy is { } a ? Text(a * 100, "0.00") + "%" : NotAvailable("class_accuracy"));
    }

    /// <summary>eval.json; JSON has no NaN or infinity, so such a number (and an unavailable metric) is null.</summary>
    public byte[] Json()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var m = Metrics;
            json.WriteStartObject();
            json.WriteStartObject("samples");
            json.WriteString("path", Samples);
            json.WriteNumber("count", m.Samples);
            json.WriteEndObject();
            json.WriteStartObject("reference");
            json.WriteString("path", Reference);
            json.WriteString("kind", ReferenceKind);
            if (ReferenceCount is { } count)
                json.WriteNumber("count", count);
            else
                json.WriteNull("count");
            json.WriteString("cache", ReferenceCache);
            json.WriteEndObject();
            json.WriteStartObject("feature_network");
            json.WriteString("path", Network.Path);
            json.WriteBoolean("bundled", BundledNetwork);
            json.WriteString("settings", Network.Spec.Describe());
            json.WriteString("fingerprint", Convert.ToHexStringLower(NetworkFingerprint.Of(Network)));
            json.WriteNumber("features", Network.FeatureSize);
            json.WriteNumber("spatial_features", Network.SpatialSize);
            json.WriteNumber("classes", Network.ClassCount);
            json.WriteEndObject();
            json.WriteStartObject("metrics");
            ReportNumbers.Write(json, "fid", m.Fid);
            Optional(json, "sfid", m.SFid);
            Optional(json, "inception_score", m.InceptionScore);
            json.WriteStartArray("inception_score_splits");
            foreach (var split in m.InceptionScoreSplits ?? Array.Empty<double>())
                ReportNumbers.Write(json, null, split);
            json.WriteEndArray();
            json.WriteNumber("inception_score_split_size", InceptionScore.AdmSplitSize);
            Optional(json, "precision", m.Precision);
            Optional(json, "recall", m.Recall);
            json.WriteNumber("k", SampleEvaluation.Neighbours);
            Optional(json, "class_accuracy", m.ClassAccuracy);
            json.WriteEndObject();
            json.WriteStartObject("unavailable");
            foreach (var (metric, reason) in m.Unavailable)
                json.WriteString(metric, reason);
            json.WriteEndObject();
            json.WriteStartObject("seconds");
            json.WriteNumber("features", Math.Round(FeatureTime.TotalSeconds, 3));
            json.WriteNumber("metrics", Math.Round(MetricTime.TotalSeconds, 3));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private string NotAvailable(string metric) => "n/a: " + (Metrics.Unavailable.TryGetValue(metric, out var reason) ? reason : "not computed");

    private static void Optional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
            ReportNumbers.Write(json, name, v);
        else
            json.WriteNull(name);
    }

    private static string Row(string metric, string value) => $"  | {metric} | {value} |";

    private static string Text(double value, string format) => ReportNumbers.Text(value, format);
}
