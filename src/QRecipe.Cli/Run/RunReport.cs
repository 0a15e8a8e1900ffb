using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Run;

/// <summary>report.json (for scripts) and report.md (for people) of a run: settings, per-operator errors, weight
/// storage, the plan's SC budget, the SC work measured during the run, SC debug and timings. Both carry the same
/// numbers.</summary>
internal static class RunReport
{
    /// <param name="peakMemoryBytes">The process's peak resident memory (<see cref="PeakMemory"/>).</param>
    public static string Json(RunResult result, string recipePath, long peakMemoryBytes, DecodedImages? images = null, RunQuality? quality = null)
    {
        var plan = result.Plan;
        var m = plan.Model;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("recipe", plan.Name);
            json.WriteString("description", plan.Description);
            json.WriteString("source", recipePath);
            json.WriteStartObject("model");
            json.WriteString("name", m.Name);
            json.WriteNumber("depth", m.Depth);
            json.WriteNumber("hidden", m.Hidden);
            json.WriteNumber("heads", m.Heads);
            json.WriteNumber("patch", m.PatchSize);
            json.WriteNumber("latent", m.LatentSize);
            json.WriteEndObject();
            json.WriteStartObject("sampler");
            json.WriteString("kind", plan.Sampler.Kind.ToString().ToLowerInvariant());
            json.WriteNumber("steps", plan.Steps);
            ReportNumbers.Write(json, "cfg", plan.Sampler.Cfg);
            json.WriteEndObject();
            json.WriteString("weights", result.WeightSource);
            json.WriteNumber("samples", result.Labels.Length);
            json.WriteStartArray("labels");
            foreach (var label in result.Labels)
                json.WriteNumberValue(label);
            json.WriteEndArray();

            json.WriteStartObject("timings_s");
            ReportNumbers.Write(json, "weights", result.Times.Weights.TotalSeconds);
            ReportNumbers.Write(json, "quantization", result.Times.Quantization.TotalSeconds);
            ReportNumbers.Write(json, "sampling", result.Times.Sampling.TotalSeconds);
            ReportNumbers.Write(json, "float_sampling", result.Times.FloatSampling.TotalSeconds);
            json.WriteEndObject();
            json.WriteNumber("peak_memory_bytes", peakMemoryBytes);

            if (result.OperatorErrors is { } errors)
            {
                json.WriteStartObject("fidelity");
                ReportNumbers.Write(json, "final_relative_l2", result.FinalRelativeError!.Value);
                json.WriteStartObject("operator_relative_l2_per_step");
                foreach (var op in Operators.All)
                {
                    json.WriteStartArray(Operators.Name(op));
                    for (var step = 0; step < plan.Steps; step++)
                        ReportNumbers.Write(json, null, errors.MeanOverBlocks(step, op));
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartObject("weight_storage");
            json.WriteNumber("quantized_layers", result.WeightReports.Count);
            json.WriteNumber("quantized_bytes", result.WeightReports.Sum(r => r.QuantizedBytes));
            json.WriteNumber("float_bytes", result.WeightReports.Sum(r => r.Elements * 4));
            ReportNumbers.Write(json, "average_bits", AverageBits(result));
            json.WriteStartArray("layers");
            foreach (var r in result.WeightReports)
            {
                json.WriteStartObject();
                json.WriteString("layer", r.Layer);
                json.WriteNumber("bits", r.Bits);
                json.WriteString("method", WeightQuant.MethodText(r.Method));
                json.WriteNumber("bytes", r.QuantizedBytes);
                ReportNumbers.Write(json, "relative_error", r.RelativeError);
                if (r.LowRankRank > 0)
                {
                    json.WriteNumber("low_rank", r.LowRankRank);
                    ReportNumbers.Write(json, "uncompensated_relative_error", r.UncompensatedRelativeError);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();

            if (result.SmoothingReports.Count > 0)
            {
                json.WriteStartArray("smoothing");
                foreach (var r in result.SmoothingReports)
                {
                    json.WriteStartObject();
                    json.WriteString("layer", r.Layer);
                    json.WriteString("method", r.Method.ToString().ToLowerInvariant());
                    ReportNumbers.Write(json, "alpha", r.Alpha);
                    json.WriteNumber("alphas_searched", r.SearchedFrom);
                    if (r.SearchedFrom > 0)
                    {
                        ReportNumbers.Write(json, "best_output_mse", r.BestLoss);
                        ReportNumbers.Write(json, "worst_output_mse", r.WorstLoss);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }

            var budget = result.Budget;
            json.WriteStartObject("sc_budget");
            ReportNumbers.Write(json, "sc_fraction_of_block_macs", budget.ScFraction);
            ReportNumbers.Write(json, "stream_bit_macs", budget.StreamMacs);
            ReportNumbers.Write(json, "full_length_stream_bit_macs", budget.FullLengthStreamMacs);
            ReportNumbers.Write(json, "savings", budget.Savings);
            ReportNumbers.Write(json, "stream_sum", budget.StreamSum);
            ReportNumbers.Write(json, "stream_sum_per_step", budget.StreamSum / plan.Steps);
            json.WriteEndObject();

            var bops = PlanBops.Of(plan);
            json.WriteStartObject("bit_operations");
            json.WriteNumber("forwards_per_image", bops.ForwardsPerImage);
            ReportNumbers.Write(json, "macs_per_image", bops.Macs);
            ReportNumbers.Write(json, "bops_per_image", bops.Bops);
            ReportNumbers.Write(json, "float32_bops_per_image", bops.FloatBops);
            ReportNumbers.Write(json, "qua2sedimo_tera_bops_per_image", bops.Qua2SeDiMoBops / 1e12);
            json.WriteEndObject();

            var compute = result.ScCompute;
            json.WriteStartObject("sc_compute");
            WriteCompute(json, compute.Calls, compute.StreamMacs, compute.FullLengthStreamMacs, compute.Savings);
            json.WriteStartObject("operators");
            foreach (var o in compute.Operators.Where(o => o.Calls > 0))
            {
                json.WriteStartObject(Operators.Name(o.Operator));
                WriteCompute(json, o.Calls, o.StreamMacs, o.FullLengthStreamMacs, o.Savings);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();

            if (result.ScDebug.Count > 0)
            {
                json.WriteStartObject("sc_debug");
                json.WriteString("file", ScDebugCsv.FileName);
                json.WriteNumber("records", result.ScDebug.Count);
                var defined = result.ScDebug.Where(r => !double.IsNaN(r.RelativeL2)).ToList();
                ReportNumbers.Write(json, "max_relative_l2", defined.Count > 0 ? defined.Max(r => r.RelativeL2) : double.NaN);
                json.WriteEndObject();
            }

            images?.WriteJson(json, quality?.Fidelity);
            quality?.WriteJson(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Markdown(RunResult result, string recipePath, long peakMemoryBytes, DecodedImages? images = null, RunQuality? quality = null)
    {
        var plan = result.Plan;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"# {plan.Name}: {plan.Description}");
        Line($"");
        Line($"Recipe `{recipePath}`; model {plan.Model.Name} ({plan.Depth} blocks, hidden {plan.Model.Hidden}, {plan.Model.Heads} heads, {plan.Model.Tokens} tokens); {plan.Sampler.Kind.ToString().ToLowerInvariant()} {plan.Steps} steps, cfg {plan.Sampler.Cfg}; {result.WeightSource}; {result.Labels.Length} samples, classes {string.Join(", ", result.Labels)}.");
        Line($"");
        Line($"| phase | seconds |");
        Line($"|---|---|");
        Line($"| weights | {result.Times.Weights.TotalSeconds:0.000} |");
        Line($"| quantization | {result.Times.Quantization.TotalSeconds:0.000} |");
        Line($"| sampling | {result.Times.Sampling.TotalSeconds:0.000} |");
        Line($"| float sampling | {result.Times.FloatSampling.TotalSeconds:0.000} |");
        Line($"");
        Line($"Peak memory (process peak resident set): {RunMemoryEstimate.Format(peakMemoryBytes)} ({peakMemoryBytes} bytes).");
        if (result.OperatorErrors is { } errors)
        {
            Line($"");
            Line($"## Fidelity against floating point");
            Line($"");
            Line($"Final latents: relative L2 error **{ReportNumbers.Text(result.FinalRelativeError!.Value, "0.0000e+0")}**.");
            Line($"");
            Line($"Relative L2 error of each operator's output on the same input (RMS over blocks), first, middle and last step:");
            Line($"");
            Line($"| operator | step 0 | step {plan.Steps / 2} | step {plan.Steps - 1} |");
            Line($"|---|---|---|---|");
            foreach (var op in Operators.All)
                Line($"| {Operators.Name(op)} | {Cell(errors.MeanOverBlocks(0, op))} | {Cell(errors.MeanOverBlocks(plan.Steps / 2, op))} | {Cell(errors.MeanOverBlocks(plan.Steps - 1, op))} |");
        }
        Line($"");
        Line($"## Weights");
        Line($"");
        Line($"{result.WeightReports.Count} layer versions quantized: {result.WeightReports.Sum(r => r.QuantizedBytes)} bytes instead of {result.WeightReports.Sum(r => r.Elements * 4)} in float32, {AverageBits(result):0.00} bits per weight including scales.");
        var bops = PlanBops.Of(plan);
        Line($"");
        Line($"Bit operations: {bops.Bops:0.###e+0} per image over {bops.ForwardsPerImage} forward passes ({bops.Bops / bops.FloatBops * 100:0.0}% of float32, {bops.Bops / bops.Macs:0.#} per multiply-accumulate); Qua2SeDiMo's estimate {bops.Qua2SeDiMoBops / 1e12:0.###} TBOPs.");
        var compensated = result.WeightReports.Where(r => r.LowRankRank > 0).ToList();
        if (compensated.Count > 0)
        {
            Line($"");
            Line($"Low-rank compensation (DiTAS): relative weight error with the factors, and of the quantized weight alone before compensation:");
            Line($"");
            Line($"| layer | bits | rank | error | before compensation |");
            Line($"|---|---|---|---|---|");
            foreach (var r in compensated)
                Line($"| {r.Layer} | {r.Bits} | {r.LowRankRank} | {ReportNumbers.Text(r.RelativeError, "0.0000")} | {ReportNumbers.Text(r.UncompensatedRelativeError, "0.0000")} |");
        }
        if (result.SmoothingReports.Count > 0)
        {
            Line($"");
            Line($"## Smoothing");
            Line($"");
            Line($"| layer | method | α | chosen from | output MSE best / worst |");
            Line($"|---|---|---|---|---|");
            foreach (var r in result.SmoothingReports)
            {
                var from = r.SearchedFrom > 0 ? $"{r.SearchedFrom} values" : "recipe";
                var losses = r.SearchedFrom > 0 ? $"{ReportNumbers.Text(r.BestLoss, "0.###e+0")} / {ReportNumbers.Text(r.WorstLoss, "0.###e+0")}" : "—";
                Line($"| {r.Layer} | {r.Method.ToString().ToLowerInvariant()} | {r.Alpha:0.###} | {from} | {losses} |");
            }
        }
        var budget = result.Budget;
        Line($"");
        Line($"## SC budget");
        Line($"");
        if (budget.IsBound)
            Line($"Plan: SC runs {budget.ScFraction * 100:0.0}% of the block multiply-accumulates; stream work at most {budget.StreamMacs:0.###e+0} bit-MACs per sample, at least {budget.Savings * 100:0.0}% below full length; stream sum at most {budget.StreamSum / plan.Steps:0.##} per step (scmp's total_stoc_budget; adaptive and range mixed precision are decided by the data; the measured work follows).");
        else
            Line($"Plan: SC runs {budget.ScFraction * 100:0.0}% of the block multiply-accumulates; stream work {budget.StreamMacs:0.###e+0} bit-MACs per sample, {budget.Savings * 100:0.0}% below full length; stream sum {budget.StreamSum / plan.Steps:0.##} per step (scmp's total_stoc_budget).");
        var compute = result.ScCompute;
        if (compute.Calls > 0)
        {
            Line($"");
            Line($"Measured over the run (every sample, guidance half, block and step; rows at their actual lengths):");
            Line($"");
            Line($"| operator | SC calls | stream bit-MACs | full length | saved |");
            Line($"|---|---|---|---|---|");
            foreach (var o in compute.Operators.Where(o => o.Calls > 0))
                Line($"| {Operators.Name(o.Operator)} | {o.Calls} | {o.StreamMacs:0.###e+0} | {o.FullLengthStreamMacs:0.###e+0} | {o.Savings * 100:0.0}% |");
            Line($"| total | {compute.Calls} | {compute.StreamMacs:0.###e+0} | {compute.FullLengthStreamMacs:0.###e+0} | {compute.Savings * 100:0.0}% |");
        }
        if (result.ScDebug.Count > 0)
        {
            var worst = result.ScDebug.MaxBy(r => r.RelativeL2)!;
            Line($"");
            Line($"## SC debug");
            Line($"");
            Line($"`{ScDebugCsv.FileName}`: {result.ScDebug.Count} (step, block, operator) records of SC against the float product of the same operands; the float product went downstream. Largest relative L2 error {ReportNumbers.Text(worst.RelativeL2, "0.000e+0")} ({Operators.Name(worst.Operator)}, block {worst.Block}, step {worst.Step}).");
        }
        if (images is not null)
            text.Append(images.Markdown(quality?.Fidelity));
        if (quality is not null)
            text.Append(quality.Markdown());
        return text.ToString();
    }

    private static void WriteCompute(Utf8JsonWriter json, long calls, long streamMacs, long fullLength, double savings)
    {
        json.WriteNumber("calls", calls);
        json.WriteNumber("stream_bit_macs", streamMacs);
        json.WriteNumber("full_length_stream_bit_macs", fullLength);
        ReportNumbers.Write(json, "savings", savings);
    }

    private static double AverageBits(RunResult result)
    {
        var elements = result.WeightReports.Sum(r => r.Elements);
        return elements == 0 ? 32 : result.WeightReports.Sum(r => r.QuantizedBytes) * 8.0 / elements;
    }

    private static string Cell(double value) => ReportNumbers.Text(value, "0.000e+0");
}
