using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using QRecipe.Interop.Recipes;
using QRecipe.Interop.Scmp;
using QRecipe.Plan;

namespace QRecipe.Interop.Flags;

/// <summary>A plan as scmp flags: Q-DiT's quantizer flags (one setting for qkv, proj, fc1 and fc2, with group sizes
/// per block), the layerwise fractions (the first or last ⌊f·B⌋ blocks per operator, fc1 and fc2 together), one
/// timewise fraction, one stream 2^sc_prec and the run-wide SC switches. Anything else is refused, listed.</summary>
public static class ScmpFlagsExporter
{
    private static readonly Operator[] s_quantized = { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 };

    public static string Export(RecipePlan plan, string path)
    {
        var refusals = new PlanRefusals(path, "scmp's command line");
        var flags = new List<string>();
        if (!plan.Model.Name.StartsWith("dit-", StringComparison.Ordinal))
            refusals.Add($"model {plan.Model.Name}: scmp's --model names the DiT catalogue (DiT-XL/2 …)");
        else
            flags.Add($"--model {plan.Model.Name.ToUpperInvariant().Replace("DIT", "DiT", StringComparison.Ordinal)} --image-size {plan.Model.ImageSize}");
        flags.Add(FormattableString.Invariant($"--num-sampling-steps {plan.Steps} --cfg-scale {plan.Sampler.Cfg:R} --seed {plan.Sampler.Seed}"));
        Quantizers(plan, refusals, flags);
        Sc(plan, refusals, flags);
        refusals.RequireNoSmoothing(plan);
        refusals.ThrowIfAny();
        return string.Join(" ", flags) + "\n";
    }

    private static void Quantizers(RecipePlan plan, PlanRefusals refusals, List<string> flags)
    {
        foreach (var op in new[] { Operator.AdaLN, Operator.Embed, Operator.Final })
        {
            foreach (var cell in Cell.WeightLayers(plan.Depth).Where(c => c.Op == op))
            {
                var setting = PlanCells.At(plan, 0, cell);
                if (!setting.Weights.IsFloat || !setting.Activations.IsFloat)
                    refusals.Add($"{PlanCells.Name(cell)} is quantized; Q-DiT quantizes qkv, proj, fc1 and fc2 only");
            }
        }
        foreach (var op in new[] { Operator.Qk, Operator.Av })
        {
            // Only SC cells may quantize attention operands (scmp's kernel does, at the linears' setting).
            for (var step = 0; step < plan.Steps; step++)
            {
                for (var block = 0; block < plan.Depth; block++)
                {
                    var cell = plan.Get(new Step(step), new Block(block), op);
                    if (!cell.Activations.IsFloat && (!cell.Sc.Enabled || cell.Activations != plan.Get(new Step(step), new Block(block), Operator.Qkv).Activations))
                        refusals.Add($"activations on {Operators.Name(op)} outside SC cells or unlike the linears': Q-DiT's --quantize_bmm_input does not run");
                }
            }
        }
        var weights = new List<WeightQuant>();
        var activations = new List<ActivationQuant>();
        for (var block = 0; block < plan.Depth; block++)
        {
            var settings = s_quantized.Select(op => (Weights: PlanCells.Weights(plan, new Cell(block, op), refusals), Activations: plan.Get(new Step(0), new Block(block), op).Activations)).ToList();
            if (settings.Any(s => s.Weights is null))
                return;
            var w = settings.Select(s => s.Weights!).Distinct().ToList();
            var a = settings.Select(s => s.Activations).Distinct().ToList();
            if (w.Count > 1 || a.Count > 1)
                refusals.Add($"block {block}: qkv, proj, fc1 and fc2 have different quantizers; Q-DiT gives a block's four linears one");
            weights.Add(w[0]);
            activations.Add(a[0]);
            for (var step = 1; step < plan.Steps; step++)
            {
                if (s_quantized.Any(op => plan.Get(new Step(step), new Block(block), op).Activations != a[0]))
                    refusals.Add($"block {block}: activations change between steps");
            }
        }
        var wAll = weights.Select(w => w with { Granularity = Granularity.PerTensor, GroupSize = 0 }).Distinct().ToList();
        if (wAll.Count > 1)
            refusals.Add("weights differ between blocks in more than their group size; Q-DiT has one --wbits, --w_sym and method");
        var wq = weights[0];
        if (wq.IsFloat && weights.All(w => w.IsFloat))
            flags.Add("--wbits 16");
        else
        {
            if (weights.Any(w => w.IsFloat))
                refusals.Add("some blocks keep FP weights; Q-DiT quantizes every block");
            if (wq.Method is not (WeightMethod.Rtn or WeightMethod.Mse or WeightMethod.Gptq))
                refusals.Add($"weight method {WeightQuant.MethodText(wq.Method)}; Q-DiT has max (rtn), mse and GPTQ");
            if (weights.Any(w => w.Granularity == Granularity.PerTensor))
                refusals.Add("per-tensor weights: Q-DiT's group size -1 leaves weights unquantized rather than per-tensor");
            flags.Add($"--wbits {wq.Bits}" + (wq.Symmetric ? " --w_sym" : string.Empty)
                + (wq.Method == WeightMethod.Gptq ? " --use_gptq" : wq.Method == WeightMethod.Mse ? " --quant_method mse" : string.Empty));
            flags.Add("--weight_group_size " + Groups(weights.Select(w => w.Granularity == Granularity.Group ? w.GroupSize : 0).ToList()));
        }
        var aAll = activations.Select(a => a with { Granularity = Granularity.PerToken, GroupSize = 0 }).Distinct().ToList();
        if (aAll.Count > 1)
            refusals.Add("activations differ between blocks in more than their group size; Q-DiT has one --abits, --a_sym and --static");
        var aq = activations[0];
        if (aq.IsFloat)
        {
            flags.Add("--abits 16");
            return;
        }
        flags.Add($"--abits {aq.Bits}" + (aq.Symmetric ? " --a_sym" : string.Empty) + (aq.Static ? " --static" : string.Empty));
        if (aq.Static)
            return;
        if (activations.Any(a => a.Granularity == Granularity.PerTensor))
            refusals.Add("per-tensor dynamic activations: Q-DiT's dynamic activations are per token or per group");
        flags.Add("--act_group_size " + Groups(activations.Select(a => a.Granularity == Granularity.Group ? a.GroupSize : 0).ToList()));
    }

    private static string Groups(List<int> sizes) =>
        sizes.Distinct().Count() == 1 ? sizes[0].ToString(CultureInfo.InvariantCulture) : "\"[" + string.Join(",", sizes) + "]\"";

    private static void Sc(RecipePlan plan, PlanRefusals refusals, List<string> flags)
    {
        if (Cell.WeightLayers(plan.Depth).Any(c => c.Op == Operator.AdaLN && Enumerable.Range(0, plan.Steps).Any(s => PlanCells.At(plan, s, c).Sc.Enabled)))
            refusals.Add("SC on adaln: scmp runs SC on qk, av, proj, fc1, fc2 and qkv only");
        var cells = new List<ScSetting>();
        var scSteps = new HashSet<int>();
        bool? reverse = null;
        var fractions = new List<string>();
        foreach (var (flag, ops) in ScmpFlagsImporter.LayerwiseFlags)
        {
            var blockSets = ops.Select(op => Enumerable.Range(0, plan.Depth).Where(b => Enumerable.Range(0, plan.Steps).Any(s => plan.Get(new Step(s), new Block(b), op).Sc.Enabled)).ToList()).ToList();
            if (blockSets.Any(s => !s.SequenceEqual(blockSets[0])))
            {
                refusals.Add($"{string.Join(" and ", ops.Select(Operators.Name))} run SC in different blocks; scmp's {flag} covers both");
                continue;
            }
            var blocks = blockSets[0];
            if (blocks.Count == 0)
                continue;
            var first = blocks.SequenceEqual(Enumerable.Range(0, blocks.Count));
            var last = blocks.SequenceEqual(Enumerable.Range(plan.Depth - blocks.Count, blocks.Count));
            if (!first && !last)
                refusals.Add($"{string.Join(", ", ops.Select(Operators.Name))} run SC in blocks {IndexSelector.Write(blocks, plan.Depth)}; {flag} selects the first (or, with --reverse_layerwise, last) blocks");
            else if (blocks.Count < plan.Depth)
            {
                if (reverse is { } r && r != !first)
                    refusals.Add("some operators run SC in the first blocks and others in the last; --reverse_layerwise applies to all");
                reverse ??= !first;
            }
            fractions.Add($"{flag} {ScmpExporter.Timewise(blocks.Count, plan.Depth).ToString("R", CultureInfo.InvariantCulture)}");
            foreach (var op in ops)
            {
                foreach (var block in blocks)
                {
                    for (var step = 0; step < plan.Steps; step++)
                    {
                        var sc = plan.Get(new Step(step), new Block(block), op).Sc;
                        if (sc.Enabled)
                        {
                            cells.Add(sc);
                            scSteps.Add(step);
                        }
                    }
                    var on = Enumerable.Range(0, plan.Steps).Where(s => plan.Get(new Step(s), new Block(block), op).Sc.Enabled).ToList();
                    if (!on.SequenceEqual(Enumerable.Range(0, on.Count)))
                        refusals.Add($"block {block} {Operators.Name(op)} runs SC at steps {IndexSelector.Write(on, plan.Steps)}; --timewise selects the first (noisiest) steps");
                    else if (on.Count != scSteps.Count)
                        refusals.Add($"SC cells run for different numbers of steps; scmp has one --timewise");
                }
            }
        }
        if (cells.Count == 0)
            return;
        flags.AddRange(fractions);
        if (reverse == true)
            flags.Add("--reverse_layerwise");
        flags.Add("--timewise " + ScmpExporter.Timewise(scSteps.Count, plan.Steps).ToString("R", CultureInfo.InvariantCulture));
        var streams = cells.Select(c => c.Stream).Distinct().ToList();
        var precision = ScmpExporter.AutoPrecision(streams[0]);
        if (streams.Count > 1 || streams[0] != 1 << precision)
            refusals.Add($"streams {string.Join(", ", streams)}; the flags give every SC cell 2^--sc_prec (a map holds other lengths: export --format scmp-json)");
        if (cells.Any(c => !c.HeadStreams.IsEmpty || !c.GroupStreams.IsEmpty))
            refusals.Add("per-head or per-group streams (export --format scmp-json holds them)");
        // Stream 2^P at precision P is the same plan with or without --sc_fixed_level_prec.
        var precisions = cells.Select(c => c.Precision).Distinct().ToList();
        flags.Add("--sc_prec " + precision);
        if (precisions.Count > 1 || precisions[0] != precision)
            refusals.Add($"SC precision {string.Join(", ", precisions)} with stream {streams[0]}; scmp's grid is 2^--sc_prec, the stream itself");
        void Uniform<T>(string what, Func<ScSetting, T> value, Action<T> emit)
        {
            var distinct = cells.Select(value).Distinct().ToList();
            if (distinct.Count > 1)
                refusals.Add($"{what} differs between SC cells; scmp has one for the whole run");
            else
                emit(distinct[0]);
        }
        Uniform("kernel", c => c.Kernel, k =>
        {
            if (k == ScKernel.Enable)
                flags.Add("--sc_enable");
            else if ((k == ScKernel.Xnor) != (plan.Get(new Step(0), new Block(0), Operator.Qkv).Weights.Symmetric))
                refusals.Add($"kernel {k.ToString().ToLowerInvariant()}: without --sc_enable scmp picks the legacy kernel from --w_sym");
        });
        Uniform("scramble", c => c.Scramble, s =>
        {
            if (s != ScScramble.Bitrev)
                refusals.Add($"scramble {s.ToString().ToLowerInvariant()}: scmp sets it through the SC_OWEN_MODE environment variable, not a flag");
        });
        Uniform("halve", c => c.Halve, h => { if (h) flags.Add("--sc_halve"); });
        Uniform("debug", c => c.Debug, d => { if (d) flags.Add("--debug_sc"); });
        Uniform("chunk", c => c.Chunk, c => { if (c != 0) refusals.Add("chunk: a kernel argument with no scmp flag"); });
        Uniform("noise", c => c.Noise, n =>
        {
            if (n is not null)
                flags.Add(FormattableString.Invariant($"--sc_noise_model --sc_noise_local_correction {n.Local:R} --sc_noise_global_correction {n.Global:R}"));
        });
        Uniform("mixed precision", c => c.MixedPrecision is { } m ? m with { Adaptive = null } : null, mp =>
        {
            if (mp is null)
                return;
            if (!mp.Fractions.IsEmpty)
                flags.Add("--mp --mp_levels " + string.Join(",", mp.Levels) + " --mp_fractions " + string.Join(",", mp.Fractions.Select(R)));
            else
                Adaptive(plan, refusals, flags, mp.Levels);
        });
        Range(plan, refusals, flags);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The SC cells of each operator, over every block and step.</summary>
    private static IEnumerable<(Operator Op, List<ScSetting> Cells)> ScCellsByOperator(RecipePlan plan) =>
        Operators.PerBlock.Select(op => (op, Enumerable.Range(0, plan.Steps)
            .SelectMany(step => Enumerable.Range(0, plan.Depth).Select(block => plan.Get(new Step(step), new Block(block), op).Sc)).Where(sc => sc.Enabled).ToList()))
            .Where(p => p.Item2.Count > 0);

    /// <summary><c>--adaptive_mp --mp_levels …</c>: the most common (α, β) as <c>--mp_alpha</c>/<c>--mp_beta</c> and
    /// each operator that differs by its own flag; an operator's cells need one (α, β).</summary>
    private static void Adaptive(RecipePlan plan, PlanRefusals refusals, List<string> flags, EquatableArray<int> levels)
    {
        var perOp = new List<(Operator Op, AdaptiveThreshold Threshold)>();
        foreach (var (op, cells) in ScCellsByOperator(plan))
        {
            var thresholds = cells.Select(c => c.MixedPrecision!.Adaptive!).Distinct().ToList();
            if (thresholds.Count > 1)
                refusals.Add($"{Operators.Name(op)}: adaptive alpha and beta differ between its SC cells; scmp has one per operator");
            perOp.Add((op, thresholds[0]));
        }
        var common = perOp.GroupBy(p => p.Threshold).OrderByDescending(g => g.Count()).First().Key;
        flags.Add($"--adaptive_mp --mp_levels {string.Join(",", levels)} --mp_alpha {R(common.Alpha)} --mp_beta {R(common.Beta)}");
        foreach (var (op, threshold) in perOp)
        {
            var name = ScmpFlagsImporter.ScmpOperator(op).Name;
            if (threshold.Alpha != common.Alpha)
                flags.Add($"--mp_alpha_{name} {R(threshold.Alpha)}");
            if (threshold.Beta != common.Beta)
                flags.Add($"--mp_beta_{name} {R(threshold.Beta)}");
        }
    }

    /// <summary><c>--range_mp</c> sets the groups of qkv, proj, fc1 and fc2 wherever they run SC, from one level list
    /// and group size (<c>--weight_channel_group</c>, which also makes that many rows share a weight quantizer in Q-DiT,
    /// so only group 1 keeps the plan's weights), with one threshold per qkv, proj and the MLP.</summary>
    private static void Range(RecipePlan plan, PlanRefusals refusals, List<string> flags)
    {
        var ranged = ScCellsByOperator(plan).Where(p => p.Cells.Any(c => c.Range is not null)).ToList();
        if (ranged.Count == 0)
            return;
        var weightCells = ScCellsByOperator(plan).Where(p => Operators.HasWeights(p.Op)).SelectMany(p => p.Cells).ToList();
        if (weightCells.Any(c => c.Range is null))
            refusals.Add("range mixed precision on some SC cells of qkv, proj, fc1 and fc2 only; scmp's --range_mp covers every one");
        var rules = weightCells.Where(c => c.Range is not null).Select(c => c.Range!).ToList();
        var levels = rules.Select(r => r.Levels).Distinct().ToList();
        var groups = rules.Select(r => r.GroupSize).Distinct().ToList();
        if (levels.Count > 1)
            refusals.Add("range levels differ between SC cells; scmp has one --range_mp_levels");
        if (groups.Count > 1 || groups[0] != 1)
            refusals.Add($"range group {string.Join(", ", groups)}: scmp takes it from --weight_channel_group, which also makes that many rows share one weight quantizer; the flags hold group 1 only");
        var thresholds = new List<(string Flag, double Threshold)>();
        foreach (var (op, opCells) in ranged)
        {
            var distinct = opCells.Where(c => c.Range is not null).Select(c => c.Range!.Threshold).Distinct().ToList();
            var flag = ScmpFlagsImporter.RangeThresholdFlag(op);
            if (distinct.Count > 1 || thresholds.Any(t => t.Flag == flag && t.Threshold != distinct[0]))
                refusals.Add($"{Operators.Name(op)}: range thresholds differ within {flag}");
            thresholds.Add((flag, distinct[0]));
        }
        var common = thresholds.GroupBy(t => t.Threshold).OrderByDescending(g => g.Count()).First().Key;
        flags.Add($"--range_mp --range_mp_levels {string.Join(",", levels[0])} --range_mp_threshold {R(common)}");
        foreach (var (flag, threshold) in thresholds.Distinct().Where(t => t.Threshold != common))
            flags.Add($"{flag} {R(threshold)}");
    }
}
