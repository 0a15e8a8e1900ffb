using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Interop.Qua2SeDiMo;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Cli.Run;

/// <summary>
/// quant_cache.json: one run in the shape of a Qua2SeDiMo <c>quant_cache</c> record (docs/interop.md), so search
/// scripts written for that tool read QRecipe runs: per layer <c>[method-bits, fp16 bytes, quantized bytes, error]</c>,
/// the quantized size, average bits against FP16, the summed error, tera bit-operations and the run's metrics.
/// Sizes count FP16 as Qua2SeDiMo does; the error is each layer's relative Frobenius error, one scale for every method.
/// </summary>
internal static class QuantCacheLog
{
    public const string FileName = "quant_cache.json";

    private const int FloatBytes = 2;

    public static byte[] Json(RunResult result, RunQuality? quality)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("config");
            var versions = new Dictionary<string, int>();
            foreach (var r in result.WeightReports)
            {
                // A layer whose weights change with the step has one entry per version: "NAME", "NAME#2", ...
                var version = versions[r.Layer] = versions.GetValueOrDefault(r.Layer) + 1;
                json.WriteStartArray(version == 1 ? r.Layer : $"{r.Layer}#{version}");
                json.WriteStringValue(MethodBits(r));
                json.WriteNumberValue(r.Elements * FloatBytes);
                json.WriteNumberValue(r.QuantizedBytes);
                ReportNumbers.Write(json, null, r.RelativeError);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            var quantized = result.WeightReports.Sum(r => r.QuantizedBytes);
            var floatBytes = result.WeightReports.Sum(r => r.Elements * FloatBytes);
            json.WriteNumber("quantized_size", quantized);
            json.WriteNumber("fp16_size", floatBytes);
            ReportNumbers.Write(json, "avg_bits", floatBytes == 0 ? double.NaN : 16.0 * quantized / floatBytes);
            ReportNumbers.Write(json, "quantized_error", result.WeightReports.Sum(r => r.RelativeError));
            ReportNumbers.Write(json, "bops", PlanBops.Of(result.Plan).Qua2SeDiMoBops / 1e12);
            if (quality?.Recipe is { } recipe)
            {
                ReportNumbers.Write(json, "fid", recipe.Fid);
                json.WriteNumber("fid_samples", recipe.Samples);
                json.WriteNumber("class_accuracy", recipe.ClassAccuracy);
            }
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Qua2SeDiMo's name for its three methods at 3 or 4 bits; QRecipe's method name otherwise.</summary>
    private static string MethodBits(WeightQuantReport report) =>
        Qua2SeDiMoMethod.Of(report.Setting) is { } method ? method.ToString() : $"{WeightQuant.MethodText(report.Method)}-{report.Bits}";
}
