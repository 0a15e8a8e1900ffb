using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Scmp;

/// <summary>The scmp form of a plan: the SCPrecisionMap, the pipeline flags that carry the settings the map has no
/// field for, and what neither can express.</summary>
public sealed record ScmpExport(ScmpMap Map, IReadOnlyList<string> Flags, IReadOnlyList<string> Warnings);

/// <summary>Turns a plan into the SCPrecisionMap that scmp's <c>--sc_config</c> reads. The map can say, per block and
/// operator, one stream (with per-head or per-group lengths) used during the first ⌊timewise·T⌋ steps; a plan that
/// needs more than that is refused with the cell that does not fit, never approximated.</summary>
public static class ScmpExporter
{
    public static ScmpExport Export(RecipePlan plan, string path)
    {
        RequireNoScOn(plan, Operator.AdaLN, path);
        var blocks = new List<IReadOnlyDictionary<string, ScmpOperator>>();
        var enabledCells = new List<ScSetting>();
        for (var block = 0; block < plan.Depth; block++)
        {
            var entries = new Dictionary<string, ScmpOperator>();
            foreach (var (key, op) in ScmpMap.Keys)
                entries[key] = Entry(plan, block, op, key, path, enabledCells);
            blocks.Add(entries);
        }
        var map = new ScmpMap(plan.Depth, ScmpMap.FieldDefaultStocLen, 0.0, blocks);
        var warnings = new List<string>();
        return new ScmpExport(map, GlobalFlags(enabledCells, warnings), warnings);
    }

    private static void RequireNoScOn(RecipePlan plan, Operator op, string path)
    {
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                if (plan.Get(new Step(step), new Block(block), op).Sc.Enabled)
                    throw new InteropException($"{path}: SC on '{Operators.Name(op)}' (block {block}, step {step}) has no SCPrecisionMap entry; scmp runs SC on qk, av, proj, fc1, fc2 and qkv only");
            }
        }
    }

    /// <summary>One operator of one block: SC must be on for a prefix of the steps (the noisiest) with one stream
    /// setting throughout, and off afterwards.</summary>
    private static ScmpOperator Entry(RecipePlan plan, int block, Operator op, string key, string path, List<ScSetting> enabledCells)
    {
        var first = plan.Get(new Step(0), new Block(block), op).Sc;
        var where = $"block {block}, {Operators.Name(op)} (scmp '{key}')";
        var scSteps = 0;
        while (scSteps < plan.Steps && plan.Get(new Step(scSteps), new Block(block), op).Sc.Enabled)
        {
            var sc = plan.Get(new Step(scSteps), new Block(block), op).Sc;
            if (sc.Stream != first.Stream || !sc.HeadStreams.Equals(first.HeadStreams) || !sc.GroupStreams.Equals(first.GroupStreams))
                throw new InteropException($"{path}: {where} changes its stream at step {scSteps} ({Describe(first)} before, {Describe(sc)} from there); an SCPrecisionMap entry has one stream for all its steps");
            enabledCells.Add(sc);
            scSteps++;
        }
        for (var step = scSteps; step < plan.Steps; step++)
        {
            if (plan.Get(new Step(step), new Block(block), op).Sc.Enabled)
                throw new InteropException($"{path}: {where} has SC off at step {scSteps} but on again at step {step}; scmp's timewise runs SC only in the first (noisiest) steps");
        }
        if (scSteps == 0)
            return new ScmpOperator(false, ScmpMap.FieldDefaultStocLen, 0.0, null);
        var lengths = !first.HeadStreams.IsEmpty ? first.HeadStreams : first.GroupStreams;
        return new ScmpOperator(true, first.Stream, Timewise(scSteps, plan.Steps), lengths.IsEmpty ? null : lengths.ToArray());
    }

    private static string Describe(ScSetting sc)
    {
        var lengths = !sc.HeadStreams.IsEmpty ? sc.HeadStreams : sc.GroupStreams;
        return lengths.IsEmpty ? $"stream {sc.Stream}" : $"streams {lengths}";
    }

    /// <summary>k/T, nudged up where binary64 rounding would make ⌊f·T⌋ fall short of k, so the Python pipeline
    /// selects exactly k steps and the number stays readable (0.6, not 0.59999…).</summary>
    internal static double Timewise(int k, int steps)
    {
        var fraction = (double)k / steps;
        while (Math.Floor(fraction * steps) < k)
            fraction = Math.BitIncrement(fraction);
        return fraction;
    }

    /// <summary>The pipeline flags for the SC settings the map has no field for. scmp has one value of each for the
    /// whole run, so a setting that differs between cells is reported instead of guessed.</summary>
    private static IReadOnlyList<string> GlobalFlags(List<ScSetting> cells, List<string> warnings)
    {
        var flags = new List<string>();
        if (cells.Count == 0)
            return flags;
        string? Uniform<T>(string what, Func<ScSetting, T> value, Func<T, string> text)
        {
            var distinct = cells.Select(value).Distinct().ToList();
            if (distinct.Count == 1)
                return null;
            warnings.Add($"{what} differs between SC cells ({ShortList.Join("; ", distinct, format: text)}); scmp has one value for the whole run");
            return what;
        }
        static string Name<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
        static string OnOff(bool value) => value ? "on" : "off";
        // scmp derives ⌈log2 L⌉ per length unless --sc_fixed_level_prec fixes the grid at --sc_prec.
        var derived = cells.All(c => c.Precision == AutoPrecision(c.Stream));
        if (!derived && Uniform("precision", c => c.Precision, p => p.ToString(CultureInfo.InvariantCulture)) is null)
            flags.Add($"--sc_prec {cells[0].Precision} --sc_fixed_level_prec");
        if (Uniform("kernel", c => c.Kernel, Name) is null && cells[0].Kernel == ScKernel.Enable)
            flags.Add("--sc_enable");
        if (Uniform("scramble", c => c.Scramble, Name) is null && cells[0].Scramble != ScScramble.Bitrev)
            flags.Add("SC_OWEN_MODE=" + cells[0].Scramble.ToString().ToLowerInvariant());
        if (Uniform("halve", c => c.Halve, OnOff) is null && cells[0].Halve)
            flags.Add("--sc_halve");
        if (Uniform("debug", c => c.Debug, OnOff) is null && cells[0].Debug)
            flags.Add("--debug_sc");
        if (cells.Any(c => c.Chunk != 0))
            warnings.Add("chunk is a kernel argument (chunk_d) with no pipeline flag; it is not exported");
        if (Uniform("noise model", c => c.Noise, NoiseText) is null && cells[0].Noise is { } noise)
            flags.Add(FormattableString.Invariant($"--sc_noise_model --sc_noise_local_correction {noise.Local} --sc_noise_global_correction {noise.Global}"));
        if (Uniform("mixed precision", c => c.MixedPrecision, MixedPrecisionText) is null && cells[0].MixedPrecision is { } mp)
        {
            flags.Add(mp.Adaptive is { } adaptive
                ? FormattableString.Invariant($"--adaptive_mp --mp_levels {string.Join(",", mp.Levels)} --mp_alpha {adaptive.Alpha:R} --mp_beta {adaptive.Beta:R}")
                : "--mp --mp_levels " + string.Join(",", mp.Levels)
                    + " --mp_fractions " + string.Join(",", mp.Fractions.Select(f => f.ToString("R", CultureInfo.InvariantCulture))));
        }
        RangeFlags(cells, flags, warnings);
        return flags;
    }

    /// <summary>Range mixed precision is a run flag, not part of the map: scmp fills the weight operators'
    /// group_stoc_lens from their weights when it starts, with one level list, threshold and group size
    /// (<c>--weight_channel_group</c>, which also groups Q-DiT's weight quantizer, so only 1 leaves the weights as planned).</summary>
    private static void RangeFlags(List<ScSetting> cells, List<string> flags, List<string> warnings)
    {
        if (cells.All(c => c.Range is null))
            return;
        var ranges = cells.Select(c => c.Range).Where(r => r is not null).Distinct().ToList();
        if (ranges.Count > 1 || ranges[0] is not { GroupSize: 1 } range)
        {
            warnings.Add("range mixed precision other than one rule with group 1: scmp's --range_mp gives every SC weight cell the same levels and threshold, in groups of --weight_channel_group rows; it is not exported");
            return;
        }
        // scmp applies it to every SC cell of qkv, proj, fc1 and fc2.
        flags.Add(FormattableString.Invariant($"--range_mp --range_mp_levels {string.Join(",", range.Levels)} --range_mp_threshold {range.Threshold:R}"));
    }

    /// <summary>A noise setting as a recipe writes it, for warnings.</summary>
    private static string NoiseText(NoiseModel? noise) =>
        noise is null ? "off" : FormattableString.Invariant($"noise local {noise.Local} global {noise.Global}");

    /// <summary>A mixed-precision setting as a recipe writes it, for warnings.</summary>
    private static string MixedPrecisionText(MixedPrecision? mp) =>
        mp is null ? "off"
        : mp.Adaptive is { } adaptive ? FormattableString.Invariant($"levels {string.Join(" ", mp.Levels)} adaptive alpha {adaptive.Alpha} beta {adaptive.Beta}")
        : "levels " + string.Join(" ", mp.Levels) + " fractions " + string.Join(" ", mp.Fractions.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));

    internal static int AutoPrecision(int stream)
    {
        var precision = 1;
        while ((1 << precision) < stream)
            precision++;
        return precision;
    }
}
