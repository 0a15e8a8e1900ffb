using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Recipes;
using QRecipe.Interop.Scmp;
using QRecipe.Language.Text;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Flags;

/// <summary>An scmp / Q-DiT command line as a recipe. Flags take scmp's defaults when absent and follow its
/// precedence: <c>--sc_config</c> replaces the layerwise, timewise, reverse and skip flags; <c>--adaptive_mp</c>
/// replaces <c>--mp</c>; <c>--weight_group_size -1</c> leaves weights unquantized; GPTQ uses block 0's group size and
/// never the mse search (docs/interop.md).</summary>
public static class ScmpFlagsImporter
{
    /// <summary>scmp's per-operator block-fraction flags and the operators each one selects (the exporter writes the same).</summary>
    internal static readonly (string Flag, Operator[] Ops)[] LayerwiseFlags =
    {
        ("--inputprojlayerwise", new[] { Operator.Qkv }),
        ("--qklayerwise", new[] { Operator.Qk }),
        ("--avlayerwise", new[] { Operator.Av }),
        ("--projlayerwise", new[] { Operator.Proj }),
        ("--mlplayerwise", new[] { Operator.Fc1, Operator.Fc2 }),
    };

    public static ImportResult Import(string commandLine, ImportOptions options, string source)
    {
        var bag = new DiagnosticBag(source);
        var flags = Parse(commandLine, source);
        string? Value(string flag) => flags.TryGetValue(flag, out var v) ? v : null;
        bool Has(string flag) => flags.ContainsKey(flag);
        double Fraction(string flag, double fallback)
        {
            var value = Value(flag) is { } text ? Real(text, flag, source) : fallback;
            if (!(value >= 0 && value <= 1))
                bag.Report(InteropDiagnostics.SourceRejects, $"{flag} {Number(value)} is outside [0, 1] (scmp asserts it)");
            return value;
        }

        var modelText = options.ModelText;
        var model = options.Model;
        if (Value("--model") is { } modelFlag)
        {
            modelText = modelFlag.ToLowerInvariant() + " image " + (Value("--image-size") ?? "256");
            var (resolved, error) = ModelResolver.Resolve(modelText);
            model = resolved ?? throw new InteropException($"{source}: --model {SafeText.Escape(modelFlag, 60)}: {error}");
        }
        var steps = Value("--num-sampling-steps") is { } stepsText ? Integer(stepsText, "--num-sampling-steps", source) : options.Steps;
        var sampler = string.Empty;
        if (Value("--cfg-scale") is { } cfg)
            sampler += " cfg " + Number(Real(cfg, "--cfg-scale", source));
        if (Value("--seed") is { } seed)
            sampler += " seed " + Integer(seed, "--seed", source);

        // Q-DiT quantizers.
        var wbits = Bits(Value("--wbits"), options.WeightBits ?? 8, "--wbits", source, bag);
        var abits = Bits(Value("--abits"), options.ActivationBits ?? 8, "--abits", source, bag);
        var gptq = Has("--use_gptq");
        var method = gptq ? "gptq" : Value("--quant_method") switch
        {
            null or "max" => "rtn",
            "mse" => "mse",
            var other => throw new InteropException($"{source}: --quant_method '{SafeText.Escape(other, 40)}'; Q-DiT's choices are max and mse"),
        };
        if (gptq && Value("--quant_method") == "mse")
            bag.Comment("--quant_method mse: GPTQ never runs the mse search", InteropDiagnostics.IgnoredBySource);
        var weightGroups = GroupSizes(Value("--weight_group_size") ?? "-1", "--weight_group_size", model.Depth, source);
        var actGroups = GroupSizes(Value("--act_group_size") ?? "-1", "--act_group_size", model.Depth, source);
        if (gptq && weightGroups.Distinct().Count() > 1)
        {
            bag.Comment($"--weight_group_size per block: GPTQ uses block 0's size ({weightGroups[0]}) in every block", InteropDiagnostics.IgnoredBySource);
            weightGroups = Enumerable.Repeat(weightGroups[0], model.Depth).ToArray();
        }
        var wsym = Has("--w_sym") ? "symmetric" : "asymmetric";
        var asym = Has("--a_sym");
        var isStatic = Has("--static");
        if (isStatic && asym)
            bag.Report(InteropDiagnostics.SourceRejects, "--static with --a_sym: Q-DiT's static activation ranges are asymmetric only (it asserts at the first forward)");
        if (Has("--quantize_bmm_input"))
            bag.Report(InteropDiagnostics.SourceRejects, "--quantize_bmm_input: Q-DiT reads a kv_clip_ratio no flag defines and stops");
        if (Value("--tiling") is { } tiling && tiling != "0")
            bag.Report(InteropDiagnostics.SourceRejects, $"--tiling {SafeText.Escape(tiling, 20)}: Q-DiT asserts tiling 0");
        if (Value("--quant_type") is { } type && type != "int")
            bag.Report(InteropDiagnostics.SourceRejects, $"--quant_type {SafeText.Escape(type, 20)}: Q-DiT asserts int");
        if (Has("--exponential"))
            bag.Comment("--exponential: Q-DiT never reads it", InteropDiagnostics.IgnoredBySource);
        foreach (var flag in new[] { "--w_clip_ratio", "--a_clip_ratio" })
        {
            if (Value(flag) is { } ratio && Real(ratio, flag, source) != 1.0)
                bag.Comment($"{flag} {SafeText.Escape(ratio, 20)}: recipes have no clipping ratio", InteropDiagnostics.NoEquivalent);
        }
        if (Value("--weight_channel_group") is { } channelGroup && channelGroup != "1")
            bag.Comment($"--weight_channel_group {SafeText.Escape(channelGroup, 20)}: recipes have no rows sharing one quantizer", InteropDiagnostics.NoEquivalent);
        if (gptq && Value("--percdamp") is { } damp && damp != "0.01")
            bag.Comment($"--percdamp {SafeText.Escape(damp, 20)}: the recipe's GPTQ uses its own damping", InteropDiagnostics.NoEquivalent);

        var span = new[] { new StepSpan(0, steps - 1) };
        var weights = new QuantRules(model.Depth, span);
        var activations = new QuantRules(model.Depth, span);
        var weightsFpByGroups = false;
        for (var block = 0; block < model.Depth; block++)
        {
            foreach (var op in new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 })
            {
                var wg = weightGroups[block];
                // Q-DiT's weight loop is empty for group size -1: weights stay in floating point.
                weightsFpByGroups |= wg == -1 && wbits != 0;
                weights.Set(0, new Cell(block, op), wbits == 0 || wg == -1 ? "fp" : $"int{wbits} {Granularity(wg, op, model)} {wsym} {method}");
                var ag = actGroups[block];
                activations.Set(0, new Cell(block, op), abits == 0 ? "fp"
                    : isStatic ? $"int{abits} per-tensor asymmetric static"
                    : $"int{abits} {(ag <= 0 ? "per-token" : "group " + ag)} {(asym ? "symmetric" : "asymmetric")} dynamic");
            }
        }
        if (weightsFpByGroups)
            bag.Comment("--weight_group_size -1 (the default): Q-DiT's weight quantization loop then runs over no group, so weights stay FP", InteropDiagnostics.IgnoredBySource);

        // SC.
        var scLines = new List<string>();
        var precisionBits = Value("--sc_prec") is { } prec ? Integer(prec, "--sc_prec", source) : 8;
        if (precisionBits is < 1 or > 15)
            throw new InteropException($"{source}: --sc_prec {precisionBits} is outside 1..15");
        var stream = 1 << precisionBits;
        var attentionLines = new List<string>();
        var layerwiseFlags = LayerwiseFlags.Select(l => l.Flag).Concat(new[] { "--timewise", "--reverse_layerwise", "--sc_skip_blocks" }).Where(Has).ToList();
        if (Value("--sc_config") is { } map)
        {
            foreach (var flag in layerwiseFlags)
                bag.Comment($"{flag}: ignored by scmp because --sc_config gives the SC map", InteropDiagnostics.IgnoredBySource);
            bag.Comment($"--sc_config {SafeText.Escape(map, 120)}: the SC rules are in that map; import it with 'qrecipe import scmp-json' and the same --model and --steps",
                InteropDiagnostics.NoEquivalent);
        }
        else
        {
            var timewise = Fraction("--timewise", 0.0);
            var scSteps = (int)Math.Floor(timewise * steps);
            var reverse = Has("--reverse_layerwise");
            foreach (var (flag, ops) in LayerwiseFlags)
            {
                var fraction = Fraction(flag, 0.0);
                if (fraction == 0)
                    continue;
                var blocks = (int)Math.Floor(fraction * model.Depth);
                if (blocks == 0 || scSteps == 0)
                {
                    bag.Report(InteropDiagnostics.MatchesNothing, blocks == 0
                        ? $"{flag} {Number(fraction)} selects ⌊{Number(fraction)}·{model.Depth}⌋ = 0 blocks"
                        : $"{flag} {Number(fraction)} runs in no step: --timewise {Number(timewise)} selects ⌊{Number(timewise)}·{steps}⌋ = 0 of {steps} steps");
                    continue;
                }
                var where = blocks == model.Depth ? string.Empty : $" blocks {(reverse ? "last" : "first")} {blocks}";
                var when = scSteps == steps ? string.Empty : " steps noisiest " + ScmpImporter.Percent(timewise, steps) + "%";
                scLines.Add($"  {string.Join(", ", ops.Select(Operators.Name))}{where}{when} stream {stream}");
                // scmp's kernel quantizes the attention operands of its SC cells; elsewhere Q-DiT leaves them FP.
                if (abits != 0 && ops[0] is Operator.Qk or Operator.Av)
                    attentionLines.Add((where + when).Length == 0
                        ? $"activations int{abits} per-token {(asym ? "symmetric" : "asymmetric")} dynamic on {Operators.Name(ops[0])}"
                        : $"at{where}{when} {{ activations int{abits} per-token {(asym ? "symmetric" : "asymmetric")} dynamic on {Operators.Name(ops[0])} }}");
            }
            if (Value("--sc_skip_blocks") is { } skip && skip.Trim().Length > 0 && scLines.Count > 0)
            {
                var skipped = skip.Split(',').Select(s => Integer(s.Trim(), "--sc_skip_blocks", source)).ToList();
                if (skipped.Any(b => b < 0 || b >= model.Depth))
                    throw new InteropException($"{source}: --sc_skip_blocks {SafeText.Escape(skip, 60)} names a block outside 0..{model.Depth - 1}");
                scLines.Add($"  all blocks {IndexSelector.Write(skipped.Distinct().ToList(), model.Depth)} off");
            }
        }
        var scOps = scLines.Count == 0 ? new List<string>() : LayerwiseFlags.Where(l => Value("--sc_config") is null && Fraction(l.Flag, 0) > 0 && Math.Floor(Fraction(l.Flag, 0) * model.Depth) > 0)
            .SelectMany(l => l.Ops).Select(Operators.Name).ToList();
        MixedPrecision(flags, bag, source, scOps, scLines);
        RangeMixedPrecision(flags, bag, source, model, scOps, scLines);
        var header = new List<string>();
        if (Has("--sc_fixed_level_prec"))
            header.Add("precision " + precisionBits);
        else
            header.Add("precision auto");
        var kernel = Has("--sc_enable") ? "enable" : wsym == "symmetric" ? "xnor" : "and";
        if (kernel != "enable" && scOps.Any(op => op is "qk" or "av") && asym != (wsym == "symmetric"))
        {
            bag.Report(InteropDiagnostics.Approximated, $"without --sc_enable scmp runs the {(kernel == "xnor" ? "bipolar XNOR" : "unipolar AND")} kernel, tied to --w_sym, also on qk and av, whose activations are {(asym ? "symmetric" : "asymmetric")} here; the recipe uses kernel enable, which takes either");
            kernel = "enable";
        }
        header.Add("kernel " + kernel);
        if (Has("--sc_halve"))
            header.Add("halve");
        if (Has("--sc_noise_model"))
        {
            header.Add("noise local " + Number(Value("--sc_noise_local_correction") is { } l ? Real(l, "--sc_noise_local_correction", source) : 0.15)
                + " global " + Number(Value("--sc_noise_global_correction") is { } g ? Real(g, "--sc_noise_global_correction", source) : 0.60));
        }
        if (Has("--debug_sc"))
            header.Add("debug");
        if (Value("--sc_qk_granularity") is { } granularity && granularity != "per_head")
            bag.Comment($"--sc_qk_granularity {SafeText.Escape(granularity, 20)}: the recipe's qk kernel scales per head", InteropDiagnostics.NoEquivalent);
        foreach (var flag in new[] { "--av_attn_group_size", "--av_v_group_size" })
        {
            if (Value(flag) is { } size && size != "1")
                bag.Comment($"{flag} {SafeText.Escape(size, 20)}: recipes have no AV operand row groups", InteropDiagnostics.NoEquivalent);
        }
        foreach (var flag in flags.Keys.Where(ScmpFlagTable.RunOnly.Contains))
            bag.Comment($"{flag}{(flags[flag] is { } v ? " " + v : string.Empty)}: a run setting, not part of a recipe");
        bag.ThrowIfErrors();

        var options2 = options with { ModelText = modelText, Model = model };
        var writer = new RecipeWriter("scmp command line", source, options2, steps, sampler);
        if (gptq || isStatic)
            writer.Line(isStatic ? "calibrate samples 1024 batch 16" : "calibrate samples 256 batch 16");
        writer.Lines(weights.Write("weights", "fp")).Lines(activations.Write("activations", "fp")).Lines(attentionLines);
        if (scLines.Count > 0)
            writer.Line($"sc {string.Join(" ", header)} {{").Lines(scLines).Line("}");
        return new ImportResult(writer.Unrepresented(bag.Comments).ToString(), bag.Items);
    }

    /// <summary>scmp's operator names in its per-operator MP flags (<c>--mp_alpha_input_proj</c>, …) and the group
    /// flag each falls back to before the global one (<c>mlp</c> for fc1 and fc2).</summary>
    internal static (string Name, string? Group) ScmpOperator(Operator op) => op switch
    {
        Operator.Qkv => ("input_proj", null),
        Operator.Fc1 => ("mlp_fc1", "mlp"),
        Operator.Fc2 => ("mlp_fc2", "mlp"),
        _ => (Operators.Name(op), null),
    };

    private static void MixedPrecision(Dictionary<string, string?> flags, DiagnosticBag bag, string source, List<string> scOps, List<string> scLines)
    {
        var levels = (flags.GetValueOrDefault("--mp_levels") ?? "256,128,64,32").Split(',').Select(s => Integer(s.Trim(), "--mp_levels", source)).ToList();
        var alphaBeta = flags.Keys.Where(k => k.StartsWith("--mp_alpha", StringComparison.Ordinal) || k.StartsWith("--mp_beta", StringComparison.Ordinal)).ToList();
        if (flags.ContainsKey("--adaptive_mp") || flags.ContainsKey("--adaptive_mp_table"))
        {
            if (flags.ContainsKey("--mp"))
                bag.Comment("--mp" + (flags.ContainsKey("--mp_fractions") ? " --mp_fractions" : string.Empty) + ": --adaptive_mp takes precedence in scmp", InteropDiagnostics.IgnoredBySource);
            AdaptiveMixedPrecision(flags, bag, source, levels, alphaBeta, scOps, scLines);
            return;
        }
        foreach (var flag in alphaBeta)
            bag.Comment($"{flag}: read only with --adaptive_mp", InteropDiagnostics.IgnoredBySource);
        if (!flags.ContainsKey("--mp"))
        {
            if (flags.ContainsKey("--mp_fractions"))
                bag.Comment("--mp_fractions: read only with --mp", InteropDiagnostics.IgnoredBySource);
            return;
        }
        var fractions = flags.GetValueOrDefault("--mp_fractions") is { } text
            ? text.Split(',').Select(s => Real(s.Trim(), "--mp_fractions", source)).ToList()
            : Enumerable.Repeat(1.0 / levels.Count, levels.Count).ToList();
        if (fractions.Count != levels.Count || Math.Abs(fractions.Sum() - 1) > 1e-6)
            bag.Report(InteropDiagnostics.SourceRejects, $"--mp_fractions has {fractions.Count} values summing to {Number(fractions.Sum())} for {levels.Count} levels; scmp needs one per level summing to 1");
        if (flags.ContainsKey("--no_mp_pruning") && levels.Contains(0))
            bag.Comment("--no_mp_pruning: applies to adaptive MP; --mp runs the 0 level as given", InteropDiagnostics.IgnoredBySource);
        if (scOps.Count == 0)
        {
            bag.Report(InteropDiagnostics.MatchesNothing, "--mp refines SC cells, and no operator runs in SC");
            return;
        }
        scLines.Add($"  mp {string.Join(", ", scOps)} levels {string.Join(" ", levels)} fractions {string.Join(" ", fractions.Select(Number))}");
    }

    /// <summary><c>--adaptive_mp</c>: one <c>mp … adaptive</c> rule per distinct (α, β), each operator's coefficient
    /// taken from its own flag, then its group's (<c>mlp</c> for fc1 and fc2), then the global one, then scmp's default.
    /// A calibrated threshold table (<c>--adaptive_mp_table</c>) has no recipe form.</summary>
    private static void AdaptiveMixedPrecision(Dictionary<string, string?> flags, DiagnosticBag bag, string source, List<int> levels, List<string> alphaBeta,
        List<string> scOps, List<string> scLines)
    {
        if (flags.GetValueOrDefault("--adaptive_mp_table") is { } table)
        {
            bag.Comment($"--adaptive_mp_table {SafeText.Escape(table, 120)}" + (alphaBeta.Count > 0 ? " " + string.Join(" ", alphaBeta) : string.Empty)
                + ": calibrated threshold tables have no recipe form; the recipe runs without mp", InteropDiagnostics.NoEquivalent);
            return;
        }
        if (flags.ContainsKey("--no_mp_pruning"))
            levels = levels.Where(l => l != 0).ToList();
        if (levels.Count < 2 || levels.Zip(levels.Skip(1), (a, b) => b >= a).Any(x => x))
        {
            bag.Report(InteropDiagnostics.SourceRejects,
                $"--mp_levels {string.Join(",", levels)}{(flags.ContainsKey("--no_mp_pruning") ? " (0 dropped by --no_mp_pruning)" : string.Empty)}: adaptive MP needs two levels or more, strictly descending (scmp asserts it)");
            return;
        }
        if (scOps.Count == 0)
        {
            bag.Report(InteropDiagnostics.MatchesNothing, "--adaptive_mp refines SC cells, and no operator runs in SC");
            return;
        }
        double Coefficient(string kind, Operator op, double fallback)
        {
            var (name, group) = ScmpOperator(op);
            var flag = new[] { $"--mp_{kind}_{name}", group is null ? null : $"--mp_{kind}_{group}", $"--mp_{kind}" }.FirstOrDefault(f => f is not null && flags.ContainsKey(f));
            return flag is null ? fallback : Real(flags[flag]!, flag, source);
        }
        foreach (var rule in scOps.Select(name => Operators.TryParse(name, out var op) ? op : throw new InvalidOperationException(name))
                     .GroupBy(op => (Alpha: Coefficient("alpha", op, AdaptiveThreshold.DefaultAlpha), Beta: Coefficient("beta", op, AdaptiveThreshold.DefaultBeta))))
        {
            scLines.Add($"  mp {string.Join(", ", rule.Select(Operators.Name))} levels {string.Join(" ", levels)} adaptive alpha {Number(rule.Key.Alpha)} beta {Number(rule.Key.Beta)}");
        }
    }

    /// <summary>Weight operators whose output-row groups <c>--range_mp</c> sets, and the threshold flag each reads.</summary>
    private static readonly (Operator Op, string Threshold)[] s_rangeOperators =
    {
        (Operator.Qkv, "input_proj"), (Operator.Proj, "proj"), (Operator.Fc1, "mlp"), (Operator.Fc2, "mlp"),
    };

    /// <summary>The per-operator threshold flag <c>--range_mp</c> reads for a weight operator.</summary>
    internal static string RangeThresholdFlag(Operator op) => "--range_mp_threshold_" + s_rangeOperators.Single(r => r.Op == op).Threshold;

    /// <summary><c>--range_mp</c>: a <c>range</c> rule on the SC weight operators, one per distinct threshold (the
    /// operator's flag, then <c>--range_mp_threshold</c>, then 0.3), with <c>--weight_channel_group</c> as its group size
    /// (≤ 0: one group) as scmp takes it.</summary>
    private static void RangeMixedPrecision(Dictionary<string, string?> flags, DiagnosticBag bag, string source, ModelSpec model, List<string> scOps,
        List<string> scLines)
    {
        var range = flags.Keys.Where(k => k.StartsWith("--range_mp", StringComparison.Ordinal)).ToList();
        if (range.Count == 0)
            return;
        if (!flags.ContainsKey("--range_mp"))
        {
            bag.Comment(string.Join(" ", range) + ": read only with --range_mp", InteropDiagnostics.IgnoredBySource);
            return;
        }
        foreach (var flag in new[] { "--range_mp_threshold_qk", "--range_mp_threshold_av" }.Where(flags.ContainsKey))
            bag.Comment($"{flag}: qk and av have no weights; scmp's range MP sets the groups of qkv, proj, fc1 and fc2 only", InteropDiagnostics.IgnoredBySource);
        var levelsText = flags.GetValueOrDefault("--range_mp_levels");
        if (levelsText is null)
            bag.Report(InteropDiagnostics.Approximated, "--range_mp without --range_mp_levels: the recipe takes the levels of --mp_levels");
        var levels = (levelsText ?? flags.GetValueOrDefault("--mp_levels") ?? "256,128,64,32").Split(',')
            .Select(s => Integer(s.Trim(), levelsText is null ? "--mp_levels" : "--range_mp_levels", source)).ToList();
        if (levels.Count < 2 || levels.Zip(levels.Skip(1), (a, b) => b >= a).Any(x => x))
        {
            bag.Report(InteropDiagnostics.SourceRejects, $"range MP levels {string.Join(",", levels)}: two levels or more, strictly descending (scmp asserts it)");
            return;
        }
        var group = flags.GetValueOrDefault("--weight_channel_group") is { } groupText ? Math.Max(0, Integer(groupText, "--weight_channel_group", source)) : 1;
        var ops = s_rangeOperators.Where(r => scOps.Contains(Operators.Name(r.Op))).ToList();
        if (ops.Count == 0)
        {
            bag.Report(InteropDiagnostics.MatchesNothing, "--range_mp sets the groups of SC cells of qkv, proj, fc1 and fc2, and none of them runs in SC");
            return;
        }
        foreach (var (op, _) in ops)
        {
            var rows = model.OutputWidth(op);
            if (group > 0 && group < rows && rows % group != 0)
                bag.Report(InteropDiagnostics.SourceRejects, $"--weight_channel_group {group} does not divide the {rows} output rows of {Operators.Name(op)}; scmp's range MP cannot group them");
        }
        double Threshold(Operator op)
        {
            var flag = new[] { RangeThresholdFlag(op), "--range_mp_threshold" }.FirstOrDefault(flags.ContainsKey);
            return flag is null ? QRecipe.Plan.RangeMixedPrecision.DefaultThreshold : Real(flags[flag]!, flag, source);
        }
        foreach (var rule in ops.GroupBy(r => Threshold(r.Op)))
            scLines.Add($"  range {string.Join(", ", rule.Select(r => Operators.Name(r.Op)))} levels {string.Join(" ", levels)} threshold {Number(rule.Key)} group {group}");
    }

    private static Dictionary<string, string?> Parse(string commandLine, string source)
    {
        var words = CommandLine.Split(commandLine, source);
        var flags = new Dictionary<string, string?>(StringComparer.Ordinal);
        var i = 0;
        while (i < words.Count && !words[i].StartsWith("--", StringComparison.Ordinal) && (words[i] is "python" or "python3" || words[i].EndsWith(".py", StringComparison.Ordinal)))
            i++;
        for (; i < words.Count; i++)
        {
            var flag = words[i];
            if (!ScmpFlagTable.IsKnown(flag))
            {
                throw new InteropException(flag.StartsWith("--", StringComparison.Ordinal)
                    ? $"{source}: unknown flag {SafeText.Quote(flag)}{Suggestions.DidYouMean(flag, ScmpFlagTable.All)}"
                    : $"{source}: {SafeText.Quote(flag)} is not a flag (scmp takes no positional arguments)");
            }
            string? value = null;
            if (!ScmpFlagTable.IsSwitch(flag))
            {
                if (i + 1 >= words.Count || (words[i + 1].StartsWith("--", StringComparison.Ordinal) && !double.TryParse(words[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                    throw new InteropException($"{source}: {flag} needs a value");
                value = words[++i];
            }
            if (!flags.TryAdd(flag, value))
                throw new InteropException($"{source}: {flag} is given twice (argparse would keep the last; say it once)");
        }
        return flags;
    }

    /// <summary>Q-DiT's bit choices (scmp adds 7); 16 means no quantization.</summary>
    private static int Bits(string? text, int fallback, string flag, string source, DiagnosticBag bag)
    {
        var bits = text is null ? fallback : Integer(text, flag, source);
        if (bits is 16 or 0)
            return 0;
        if (bits is < 2 or > 8)
            bag.Report(InteropDiagnostics.SourceRejects, $"{flag} {bits} is not one of scmp's choices 2, 3, 4, 5, 6, 7, 8, 16");
        return bits;
    }

    /// <summary>Q-DiT evaluates group sizes as Python: one integer for every block, or a list with one per block.</summary>
    private static int[] GroupSizes(string text, string flag, int depth, string source)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('['))
            return Enumerable.Repeat(Integer(trimmed, flag, source), depth).ToArray();
        if (!trimmed.EndsWith(']'))
            throw new InteropException($"{source}: {flag} '{SafeText.Escape(text, 60)}' is neither an integer nor a list of integers");
        var sizes = trimmed[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => Integer(s, flag, source)).ToArray();
        if (sizes.Length != depth)
            throw new InteropException($"{source}: {flag} lists {sizes.Length} group sizes; Q-DiT takes one per block ({depth})");
        return sizes;
    }

    private static string Granularity(int groupSize, Operator op, ModelSpec model) =>
        groupSize == 0 ? "per-channel" : groupSize >= model.InputWidth(op) ? "per-channel" : "group " + groupSize;

    private static int Integer(string text, string flag, string source) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InteropException($"{source}: {flag} '{SafeText.Escape(text, 40)}' is not a whole number");

    private static double Real(string text, string flag, string source) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InteropException($"{source}: {flag} '{SafeText.Escape(text, 40)}' is not a number");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
