using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Recipes;
using QRecipe.Interop.Yaml;
using QRecipe.Plan.Text;
using static QRecipe.Interop.Yaml.YamlValues;

namespace QRecipe.Interop.Vidit;

/// <summary>A ViDiT-Q quantization YAML (the legacy <c>quant:</c> layout, optionally with its timestep-wise
/// mixed-precision YAMLs, or the 2025 <c>weight:</c>/<c>act:</c> layout) as a recipe (docs/interop.md).</summary>
public static class ViditImporter
{
    /// <summary>A timestep-wise mixed-precision file of the legacy layout: ranges of sampler-step indices
    /// (<c>"19-15"</c>) to exact layer names and widths, plus <c>fp_layers</c>.</summary>
    public sealed record MpFile(YamlNode Root, string Path);

    public static ImportResult Import(YamlNode root, ImportOptions options, string path, MpFile? weightMp = null, MpFile? actMp = null)
    {
        if (root is not YamlMapping map)
            throw Wrong(root, "a mapping of ViDiT-Q settings", path);
        var bag = new DiagnosticBag(path);
        var names = DitLayerNames.Original(options.Model.Depth);
        if (map["quant"] is not null)
            return Legacy(map, options, path, names, bag, weightMp, actMp);
        if (map["weight"] is not null || map["act"] is not null)
        {
            if (weightMp is not null || actMp is not null)
                throw new InteropException($"{path}: timestep-wise mixed-precision files belong to the legacy layout (a 'quant:' section); this file has the 2025 layout");
            return Layout2025(map, options, path, names, bag);
        }
        throw new InteropException($"{path}: neither a legacy ViDiT-Q file (a 'quant' section) nor a 2025 one ('weight' and 'act' sections)");
    }

    private static ImportResult Legacy(YamlMapping root, ImportOptions options, string path, DitLayerNames names, DiagnosticBag bag, MpFile? weightMp, MpFile? actMp)
    {
        var quant = Mapping(root["quant"]!, path);
        var wq = Mapping(Required(Mapping(Required(quant, "weight", path), path), "quantizer", path), path);
        var aq = Mapping(Required(Mapping(Required(quant, "activation", path), path), "quantizer", path), path);
        var wbits = Int(Required(wq, "n_bits", path), path);
        var wgran = Text(Required(wq, "per_group", path), path) switch
        {
            "False" or "false" => "per-tensor",
            "channel" => "per-channel",
            var other => throw new InteropException($"{path}: line {wq["per_group"]!.Line}: quant.weight.quantizer.per_group '{SafeText.Escape(other, 40)}'; ViDiT-Q weights are False (per tensor) or 'channel'"),
        };
        var wsym = wq["sym"] is { } ws && Bool(ws, path) == true ? "symmetric" : "asymmetric";
        var method = Text(Required(wq, "scale_method", path), path) switch
        {
            "min_max" or "max" => "rtn",
            "grid_search_lp" => Approximate(bag, "quant.weight.quantizer.scale_method grid_search_lp (100 clipping ratios, L2 error) becomes mse (the shrinking search with the L2.4 error)"),
            var other => throw new InteropException($"{path}: line {wq["scale_method"]!.Line}: scale_method '{SafeText.Escape(other, 40)}'; ViDiT-Q has min_max and grid_search_lp"),
        };
        if (wq["round_mode"] is { } round && Text(round, path) is not ("nearest" or "nearest_ste"))
            bag.Comment($"quant.weight.quantizer.round_mode {SafeText.Escape(Text(round, path), 40)}: ViDiT-Q's forward rounds to nearest regardless", InteropDiagnostics.IgnoredBySource);
        if (wq["channel_dim"] is { } dim && Int(dim, path) != 0)
            bag.Report(InteropDiagnostics.SourceRejects, $"line {dim.Line}: quant.weight.quantizer.channel_dim {Int(dim, path)}: ViDiT-Q's channel_dim 1 path never permutes and fails");
        var abits = Int(Required(aq, "n_bits", path), path);
        var dynamic = aq["dynamic"] is { } dyn && Bool(dyn, path) == true;
        var asym = aq["sym"] is { } s && Bool(s, path) == true ? "symmetric" : "asymmetric";
        var agran = Text(Required(aq, "per_group", path), path) switch
        {
            "False" or "false" => "per-tensor",
            "token" => "per-token",
            "channel" => NoEquivalent(bag, "quant.activation.quantizer.per_group channel: recipes quantize activations per tensor, per token or in groups of the input; the recipe uses per-token", "per-token"),
            var other => Reject(bag, $"quant.activation.quantizer.per_group '{SafeText.Escape(other, 40)}': ViDiT-Q raises NotImplementedError", "per-token"),
        };
        var needsCalibration = false;
        string ActClause(int bits)
        {
            if (dynamic)
                return $"int{bits} {agran} {asym} dynamic";
            needsCalibration = true;
            return $"int{bits} per-tensor asymmetric static";
        }
        if (!dynamic && (agran != "per-tensor" || asym == "symmetric"))
            bag.Comment($"static activations {agran} {asym}: recipes calibrate static ranges per tensor and asymmetric", InteropDiagnostics.NoEquivalent);
        if (aq["always_zero"] is { } zero && Bool(zero, path) == true)
            bag.Comment("quant.activation.quantizer.always_zero: recipes have no forced zero point", InteropDiagnostics.NoEquivalent);
        if (aq["running_stat"] is { } running && Bool(running, path) == true)
        {
            if (dynamic)
                bag.Report(InteropDiagnostics.SourceRejects, "quant.activation.quantizer.dynamic with running_stat: ViDiT-Q asserts they exclude each other");
            bag.Comment("quant.activation.quantizer.running_stat: an EMA of calibration ranges; recipes take the min and max", InteropDiagnostics.NoEquivalent);
        }
        foreach (var key in new[] { "n_spatial_token", "n_temporal_token", "n_prompt" })
        {
            if (aq[key] is YamlScalar token)
                bag.Comment($"quant.activation.quantizer.{key} {SafeText.Escape(token.Text, 20)}: OpenSora token layout, not a DiT setting");
        }
        if (aq["softmax"] is not null)
            bag.Comment("quant.activation.quantizer.softmax: ViDiT-Q never installs the attention quantizers that read it", InteropDiagnostics.IgnoredBySource);
        var mixed = root["mixed_precision"] is YamlSequence list ? list.Items.Select(i => Int(i, path)).ToList() : null;
        if (mixed is not null)
        {
            if (!mixed.Contains(wbits))
                bag.Report(InteropDiagnostics.SourceRejects, $"mixed_precision [{string.Join(", ", mixed)}] lacks the weight width {wbits}; ViDiT-Q fails looking it up");
            bag.Comment($"mixed_precision [{string.Join(", ", mixed)}]: widths ViDiT-Q prepares weight parameters for; the recipe states each layer's width");
        }
        foreach (var key in new[] { "timestep_wise", "cfg_split" })
        {
            if (root[key] is { } flag && Bool(flag, path) == true)
                bag.Comment(key == "timestep_wise" ? "timestep_wise: one activation scale set per diffusion timestep; recipes calibrate one set" : "cfg_split: the CFG halves calibrated apart; recipes calibrate them together",
                    InteropDiagnostics.NoEquivalent);
        }

        var steps = options.Steps;
        var weightSpans = weightMp is null ? null : ReadMpSpans(weightMp, ref steps, bag);
        var actSpans = actMp is null ? null : ReadMpSpans(actMp, ref steps, bag);
        var spans = Segments(steps, weightSpans, actSpans);
        var plan = new ViditLayerPlan(names, spans.Select(s => s.Span).ToList());
        var fp = FpList(root, path, names, bag, options.SideFileProblem);
        for (var span = 0; span < spans.Count; span++)
        {
            foreach (var layer in names.Layers)
            {
                plan.Weight(span, layer, fp.Contains(layer.Name) ? 0 : wbits);
                plan.Activation(span, layer, fp.Contains(layer.Name) ? 0 : abits);
            }
            ApplyMp(weightMp, spans[span].Weight, span, plan, names, bag, bits =>
            {
                if (mixed is not null && !mixed.Contains(bits))
                    bag.Report(InteropDiagnostics.SourceRejects, $"weight width {bits} at steps {spans[span].Span.First}..{spans[span].Span.Last} is not in mixed_precision [{string.Join(", ", mixed)}]; ViDiT-Q fails mid-sampling");
            }, weights: true);
            ApplyMp(actMp, spans[span].Activation, span, plan, names, bag, _ => { }, weights: false);
        }
        var smoothing = Smoothing(aq, path, plan, names, fp, bag);
        var (weights, activations) = plan.Rules(options.Model.Depth, b => $"int{b} {wgran} {wsym} {method}", ActClause, bag);
        var weightLines = weights.Write("weights", "fp").ToList();
        var actLines = activations.Write("activations", "fp").ToList();
        var calibration = Calibration(root, path, bag, needsCalibration || smoothing);
        bag.ThrowIfErrors();
        var writer = new RecipeWriter("ViDiT-Q (legacy layout)", path, options, steps);
        if (calibration is not null || needsCalibration || smoothing)
            writer.Line(calibration ?? "calibrate");
        writer.Lines(weightLines).Lines(actLines).Lines(plan.SmoothingLines(options.Model.Depth));
        foreach (var key in root.Entries.Select(e => e.Key).Where(k => !s_legacyKeys.Contains(k)))
            bag.Comment($"{SafeText.Escape(key, 60)}: not a key of ViDiT-Q's legacy layout", InteropDiagnostics.IgnoredBySource);
        return new ImportResult(writer.Unrepresented(bag.Comments).ToString(), bag.Items);
    }

    private static readonly string[] s_legacyKeys =
    {
        "model", "conditional", "cfg_split", "mixed_precision", "timestep_wise", "part_fp_list", "part_quant_list",
        "smooth_quant_list", "calib_data", "quant", "resume_with_w_quantized",
    };

    private static string Approximate(DiagnosticBag bag, string message)
    {
        bag.Report(InteropDiagnostics.Approximated, message);
        return "mse";
    }

    private static string NoEquivalent(DiagnosticBag bag, string message, string value)
    {
        bag.Comment(message, InteropDiagnostics.NoEquivalent);
        return value;
    }

    private static string Reject(DiagnosticBag bag, string message, string value)
    {
        bag.Report(InteropDiagnostics.SourceRejects, message);
        return value;
    }

    /// <summary>The legacy FP list: the <c>part_fp_list</c> file next to the YAML, one segment pattern a line.</summary>
    private static HashSet<string> FpList(YamlMapping root, string path, DitLayerNames names, DiagnosticBag bag, Func<string, string?>? problem)
    {
        var fp = new HashSet<string>(StringComparer.Ordinal);
        if (root["part_fp_list"] is not { } node || IsNull(node))
            return fp;
        var listPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", Text(node, path)));
        if (File.Exists(listPath) && problem?.Invoke(listPath) is { } refusal)
            throw new InteropException($"{path}: line {node.Line}: part_fp_list {SafeText.Escape(listPath, 120)} {refusal}");
        if (!File.Exists(listPath) || new FileInfo(listPath).Length > 1 << 20)
        {
            bag.Comment($"part_fp_list {SafeText.Escape(Text(node, path), 120)}: no such file of at most 1 MiB next to the YAML, so its layers are not kept FP", InteropDiagnostics.NoEquivalent);
            return fp;
        }
        foreach (var pattern in File.ReadAllLines(listPath).Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var layers = ViditMatchers.Segment(pattern, names);
            if (layers.Count == 0)
                bag.Report(InteropDiagnostics.MatchesNothing, $"FP pattern {SafeText.Quote(pattern)} ({Path.GetFileName(listPath)}) matches no layer of the model");
            fp.UnionWith(layers.Select(l => l.Name));
        }
        return fp;
    }

    private static bool Smoothing(YamlMapping aq, string path, ViditLayerPlan plan, DitLayerNames names, HashSet<string> fp, DiagnosticBag bag)
    {
        if (aq["smooth_quant"] is not YamlMapping sq || sq["enable"] is not { } enable || Bool(enable, path) != true)
            return false;
        var alphas = sq["alpha"] switch
        {
            YamlSequence list => list.Items.Select(i => Real(i, path)).ToList(),
            { } scalar when !IsNull(scalar) => new List<double> { Real(scalar, path) },
            _ => new List<double>(),
        };
        var ranges = sq["timerange"] is YamlSequence r ? r.Items.Count : 1;
        if (alphas.Count == 0)
        {
            bag.Report(InteropDiagnostics.SourceRejects, "quant.activation.quantizer.smooth_quant has no alpha");
            return false;
        }
        if (alphas.Count < ranges)
            bag.Report(InteropDiagnostics.SourceRejects, $"smooth_quant.alpha has {alphas.Count} values for {ranges} time ranges; ViDiT-Q fails at the first later timestep");
        if (alphas.Take(ranges).Distinct().Count() > 1)
        {
            bag.Comment($"smooth_quant.alpha [{string.Join(", ", alphas.Select(a => a.ToString("R", CultureInfo.InvariantCulture)))}] per time range: recipes fold one smoothing into the weights, so the recipe has none", InteropDiagnostics.NoEquivalent);
            return false;
        }
        if (sq["channel_wise_scale_type"] is { } type && Text(type, path).Contains("momentum", StringComparison.Ordinal))
            bag.Comment($"smooth_quant.channel_wise_scale_type {SafeText.Escape(Text(type, path), 40)}: an EMA of activation maxima; recipes take the maximum over calibration", InteropDiagnostics.NoEquivalent);
        foreach (var layer in names.Layers.Where(l => !fp.Contains(l.Name)))
            plan.Smooth(layer, alphas[0]);
        return true;
    }

    private static string? Calibration(YamlMapping root, string path, DiagnosticBag bag, bool needed)
    {
        if (root["calib_data"] is not YamlMapping calib)
            return null;
        if (calib["path"] is { } p)
            bag.Comment($"calib_data.path {SafeText.Escape(Text(p, path), 120)}: recipes calibrate on their own sampling run");
        if (calib["n_steps"] is { } n)
            bag.Comment($"calib_data.n_steps {Int(n, path)}: ViDiT-Q sub-samples the stored trajectory; the recipe keeps statistics at every step");
        if (!needed)
            return null;
        var samples = calib["n_samples"] is { } s ? Int(s, path) : 32;
        var batch = calib["batch_size"] is { } b ? Math.Min(Int(b, path), samples) : Math.Min(samples, 16);
        return $"calibrate samples {samples} batch {batch}";
    }

    private sealed record MpSpan(int First, int Last, YamlMapping Bits, YamlSequence? Fp);

    /// <summary>The ranges of one mixed-precision file as recipe steps: index i of T sampler steps is recipe step
    /// T−1−i (ViDiT-Q counts down from the noisiest). The ranges must cover every step once.</summary>
    private static List<MpSpan> ReadMpSpans(MpFile file, ref int steps, DiagnosticBag bag)
    {
        if (file.Root is not YamlMapping map)
            throw Wrong(file.Root, "a mapping of step ranges", file.Path);
        var fpLayers = map["fp_layers"] as YamlMapping;
        var ranges = new List<(int Hi, int Lo, YamlMapping Bits, int Line)>();
        foreach (var (key, value) in map.Entries.Where(e => e.Key != "fp_layers"))
        {
            var parts = key.Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hi)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lo) || hi < lo || hi > 999)
                throw new InteropException($"{file.Path}: line {value.Line}: '{SafeText.Escape(key, 40)}' is not a step range 'HI-LO' (sampler-step indices, HI ≥ LO, below 1000)");
            if (value is not YamlMapping bits)
                throw new InteropException($"{file.Path}: line {value.Line}: range {SafeText.Escape(key, 40)} is empty or not a mapping of layer names to widths (ViDiT-Q fails on it)");
            ranges.Add((hi, lo, bits, value.Line));
        }
        if (ranges.Count == 0)
            throw new InteropException($"{file.Path}: no step ranges");
        var total = ranges.Max(r => r.Hi) + 1;
        if (total != steps)
            bag.Comment($"{Path.GetFileName(file.Path)} is written for {total} sampling steps, so the recipe samples {total} (not {steps})");
        steps = total;
        var covered = new int[total];
        foreach (var r in ranges)
        {
            for (var i = r.Lo; i <= r.Hi; i++)
                covered[i]++;
        }
        var gaps = Enumerable.Range(0, total).Where(i => covered[i] == 0).ToList();
        var overlaps = Enumerable.Range(0, total).Where(i => covered[i] > 1).ToList();
        if (gaps.Count > 0)
            bag.Report(InteropDiagnostics.SourceRejects, $"{Path.GetFileName(file.Path)}: no range covers sampler steps {IndexSelector.Write(gaps, total)} (ViDiT-Q fails there)");
        if (overlaps.Count > 0)
            bag.Report(InteropDiagnostics.SourceRejects, $"{Path.GetFileName(file.Path)}: ranges overlap at sampler steps {IndexSelector.Write(overlaps, total)}");
        return ranges.Select(r =>
        {
            var key = $"{r.Hi}-{r.Lo}";
            var fp = fpLayers?[key] as YamlSequence;
            return new MpSpan(total - 1 - r.Hi, total - 1 - r.Lo, r.Bits, fp);
        }).OrderBy(s => s.First).ToList();
    }

    private sealed record Segment(StepSpan Span, MpSpan? Weight, MpSpan? Activation);

    /// <summary>The steps split where either file changes its range.</summary>
    private static List<Segment> Segments(int steps, List<MpSpan>? weights, List<MpSpan>? acts)
    {
        MpSpan? At(List<MpSpan>? spans, int step) => spans?.FirstOrDefault(s => step >= s.First && step <= s.Last);
        var segments = new List<Segment>();
        for (var step = 0; step < steps; step++)
        {
            var (w, a) = (At(weights, step), At(acts, step));
            if (segments.Count > 0 && segments[^1].Weight == w && segments[^1].Activation == a)
                segments[^1] = segments[^1] with { Span = segments[^1].Span with { Last = step } };
            else
                segments.Add(new Segment(new StepSpan(step, step), w, a));
        }
        return segments;
    }

    private static void ApplyMp(MpFile? file, MpSpan? span, int index, ViditLayerPlan plan, DitLayerNames names, DiagnosticBag bag, Action<int> check, bool weights)
    {
        if (file is null || span is null)
            return;
        var unknown = new List<string>();
        foreach (var (name, value) in span.Bits.Entries)
        {
            var bits = Int(value, file.Path);
            if (names.Find(name) is not { } layer)
            {
                unknown.Add(name);
                continue;
            }
            check(bits);
            if (weights)
                plan.Weight(index, layer, bits);
            else
                plan.Activation(index, layer, bits);
        }
        if (unknown.Count > 0 && index == plan.Spans.ToList().FindIndex(s => s.First == span.First))
            bag.Report(InteropDiagnostics.MatchesNothing, $"{Path.GetFileName(file.Path)}: {unknown.Count} names at steps {span.First}..{span.Last} are no layer of the model (ViDiT-Q ignores them): {ShortList.Join(", ", unknown, format: n => SafeText.Escape(n, 80))}");
        foreach (var pattern in span.Fp?.Items ?? Array.Empty<YamlNode>())
        {
            var text = Text(pattern, file.Path);
            var layers = ViditMatchers.Segment(text, names);
            if (layers.Count == 0 && index == plan.Spans.ToList().FindIndex(s => s.First == span.First))
                bag.Report(InteropDiagnostics.MatchesNothing, $"{Path.GetFileName(file.Path)}: line {pattern.Line}: FP pattern {SafeText.Quote(text)} matches no layer of the model");
            foreach (var layer in layers)
            {
                plan.Weight(index, layer, 0);
                plan.Activation(index, layer, 0);
            }
        }
    }

    private static ImportResult Layout2025(YamlMapping root, ImportOptions options, string path, DitLayerNames names, DiagnosticBag bag)
    {
        var plan = new ViditLayerPlan(names, new[] { new StepSpan(0, options.Steps - 1) });
        var (wbits, wdefault, wsym) = Widths(root, "weight", path, bag);
        var (abits, adefault, asym) = Widths(root, "act", path, bag);
        foreach (var layer in names.Layers)
        {
            plan.Weight(0, layer, wbits[wdefault]);
            plan.Activation(0, layer, abits[adefault]);
        }
        var fp = new HashSet<string>(StringComparer.Ordinal);
        if (root["mixed_precision"] is YamlMapping mp)
        {
            MixedPrecisionRegex(mp, "weight", wbits, path, names, bag, fp, (l, b) => plan.Weight(0, l, b));
            MixedPrecisionRegex(mp, "act", abits, path, names, bag, fp, (l, b) => plan.Activation(0, l, b));
        }
        if (root["remain_fp_regex"] is { } fpRegex && !IsNull(fpRegex))
            fp.UnionWith(Matched(Text(fpRegex, path), fpRegex, "remain_fp_regex", path, names, bag).Select(l => l.Name));
        // Method precedence: smooth_quant, then quarot, then viditq, each overriding the one before; FP wins over all.
        var smoothed = false;
        foreach (var method in new[] { "smooth_quant", "quarot", "viditq" })
        {
            if (root[method] is not YamlMapping section)
                continue;
            var regex = Required(section, "layer_name_regex", path);
            var layers = Matched(Text(regex, path), regex, method + ".layer_name_regex", path, names, bag).Where(l => !fp.Contains(l.Name)).ToList();
            if (method == "quarot")
            {
                bag.Comment("quarot: Hadamard rotation has no recipe form; the layers it selects run unrotated", InteropDiagnostics.NoEquivalent);
                foreach (var layer in layers)
                    plan.Unsmooth(layer);
                continue;
            }
            if (method == "viditq")
                bag.Comment("viditq: its Hadamard rotation has no recipe form; the recipe keeps the channel scaling only", InteropDiagnostics.NoEquivalent);
            // The 2025 layout weighs weights by α (m = w^α / a^(1−α)); recipes weigh activations: migration = 1 − α.
            var alpha = 1 - Real(Required(section, "alpha", path), path);
            foreach (var layer in layers.Where(l => !l.Cell.IsGlobal))
                plan.Smooth(layer, Math.Round(alpha, 12));
            if (layers.Any(l => l.Cell.IsGlobal))
                bag.Comment($"{method} on embedder or final layers: recipes smooth block layers only", InteropDiagnostics.NoEquivalent);
            smoothed |= layers.Count > 0;
        }
        foreach (var name in fp)
        {
            var layer = names.Find(name)!;
            plan.Weight(0, layer, 0);
            plan.Activation(0, layer, 0);
            plan.Unsmooth(layer);
        }
        foreach (var key in new[] { "attn", "cross_attn" })
        {
            if (root[key] is not null)
                bag.Comment($"{key}: attention map and Q/K/V quantization of the 2025 layout are not imported", InteropDiagnostics.NoEquivalent);
        }
        if (root["calib_data"] is YamlMapping calib && calib["save_path"] is { } save)
            bag.Comment($"calib_data.save_path {SafeText.Escape(Text(save, path), 120)}: recipes calibrate on their own sampling run");
        foreach (var key in root.Entries.Select(e => e.Key).Where(k => !s_2025Keys.Contains(k)))
            bag.Comment($"{SafeText.Escape(key, 60)}: not a key of ViDiT-Q's 2025 layout", InteropDiagnostics.IgnoredBySource);
        bag.ThrowIfErrors();
        var (weights, activations) = plan.Rules(options.Model.Depth, b => $"int{b} per-channel {wsym} rtn", b => $"int{b} per-token {asym} dynamic", bag);
        var writer = new RecipeWriter("ViDiT-Q (2025 layout)", path, options, options.Steps);
        var weightLines = weights.Write("weights", "fp").ToList();
        var actLines = activations.Write("activations", "fp").ToList();
        if (smoothed && plan.HasSmoothing)
            writer.Line("calibrate");
        writer.Lines(weightLines).Lines(actLines).Lines(plan.SmoothingLines(options.Model.Depth));
        return new ImportResult(writer.Unrepresented(bag.Comments).ToString(), bag.Items);
    }

    private static readonly string[] s_2025Keys =
    {
        "model", "remain_fp_regex", "weight", "act", "smooth_quant", "quarot", "viditq", "mixed_precision", "calib_data", "attn", "cross_attn",
    };

    private static (List<int> Bits, int Default, string Sym) Widths(YamlMapping root, string key, string path, DiagnosticBag bag)
    {
        var section = Mapping(Required(root, key, path), path);
        var node = Required(section, "n_bits", path);
        var bits = node is YamlSequence list ? list.Items.Select(i => Int(i, path)).ToList() : new List<int> { Int(node, path) };
        var index = 0;
        if (node is YamlSequence)
        {
            if (section["i_bitwidth"] is not { } i)
                throw new InteropException($"{path}: line {node.Line}: {key}.n_bits is a list but {key}.i_bitwidth (the default's index) is missing; ViDiT-Q asserts it");
            index = Int(i, path);
            if (index < 0 || index >= bits.Count)
                throw new InteropException($"{path}: line {i.Line}: {key}.i_bitwidth {index} is outside the {bits.Count} widths of n_bits");
        }
        if (section["group"] is { } group)
            bag.Comment($"{key}.group {SafeText.Escape(Text(group, path), 20)}: ViDiT-Q always quantizes weights per channel and activations per token", InteropDiagnostics.IgnoredBySource);
        var sym = section["sym"] is { } s && Bool(s, path) == true ? "symmetric" : "asymmetric";
        return (bits, index, sym);
    }

    private static void MixedPrecisionRegex(YamlMapping mp, string key, List<int> bits, string path, DitLayerNames names, DiagnosticBag bag, HashSet<string> fp, Action<DitLayer, int> set)
    {
        if (mp[key] is not YamlMapping section)
            return;
        if (section["layer_name_regex"] is not YamlSequence slots)
            throw new InteropException($"{path}: mixed_precision.{key}.layer_name_regex must be a list of regular expressions");
        if (bits.Count == 1)
        {
            bag.Comment($"mixed_precision.{key}: {key}.n_bits is one width, so ViDiT-Q ignores these rules", InteropDiagnostics.IgnoredBySource);
            return;
        }
        if (slots.Items.Count != bits.Count + 1)
            bag.Report(InteropDiagnostics.SourceRejects, $"line {slots.Line}: mixed_precision.{key}.layer_name_regex has {slots.Items.Count} slots but n_bits [{string.Join(", ", bits)}] needs {bits.Count + 1} (FP, then one per width)");
        for (var slot = 0; slot < slots.Items.Count && slot <= bits.Count; slot++)
        {
            var pattern = Text(slots.Items[slot], path);
            if (pattern.Length == 0)
                continue;
            var layers = Matched(pattern, slots.Items[slot], $"mixed_precision.{key}.layer_name_regex[{slot}]", path, names, bag);
            foreach (var layer in layers)
            {
                if (slot == 0)
                    fp.Add(layer.Name); // the FP slot turns off weight and activation quantization of the layer
                else
                    set(layer, bits[slot - 1]);
            }
        }
    }

    private static List<DitLayer> Matched(string pattern, YamlNode node, string where, string path, DitLayerNames names, DiagnosticBag bag)
    {
        var layers = ViditMatchers.Regex(pattern, names, path, node.Line);
        if (layers.Count == 0)
            bag.Report(InteropDiagnostics.MatchesNothing, $"line {node.Line}: {where} {SafeText.Quote(pattern)} matches no layer of the model");
        return layers;
    }

    private static YamlMapping Mapping(YamlNode node, string path) => node as YamlMapping ?? throw Wrong(node, "a mapping", path);

    private static YamlNode Required(YamlMapping map, string key, string path) =>
        map[key] ?? throw new InteropException($"{path}: line {map.Line}: {(map.Path == "$" ? key : map.Path + "." + key)} is missing");
}
