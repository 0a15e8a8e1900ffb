using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Scmp;

/// <summary>Turns an SCPrecisionMap into a compact recipe: blocks that share an operator setting become one rule with
/// ranges, operators that share blocks and setting share the rule, per-head and per-group lengths become overrides of
/// the operator's stream. Entries scmp would accept but mis-run are refused with the entry that is wrong.</summary>
public static class ScmpImporter
{
    private sealed record Setting(int Stream, double Timewise, string Lengths);

    private sealed record Rule(List<string> Keys, List<int> Blocks, Setting Setting, IReadOnlyList<int>? Lengths);

    public static ImportResult Import(ScmpMap map, ImportOptions options, string path)
    {
        if (map.TotalBlocks != options.Model.Depth)
            throw new InteropException($"{path}: total_blocks is {map.TotalBlocks} but {options.ModelText} has {options.Model.Depth} blocks; pass the model the map was made for with --model");
        var bag = new DiagnosticBag(path);
        var rules = new List<Rule>();
        foreach (var (key, op) in ScmpMap.Keys)
        {
            var byKey = new List<Rule>();
            for (var block = 0; block < map.TotalBlocks; block++)
            {
                if (map.Find(block, key) is not { Enabled: true } entry)
                    continue;
                var where = $"$.blocks[{block}].{key}";
                Validate(entry, op, options.Model, where, path);
                if (ScmpMap.ScSteps(entry, options.Steps) == 0)
                {
                    bag.Report(InteropDiagnostics.MatchesNothing, $"{where} is enabled but timewise {Number(entry.Timewise)} selects none of {options.Steps} steps, so scmp never runs it in SC; left out");
                    continue;
                }
                var setting = new Setting(entry.StocLen, entry.Timewise, entry.GroupStocLens is null ? string.Empty : string.Join(",", entry.GroupStocLens));
                var rule = byKey.Find(r => r.Setting == setting);
                if (rule is null)
                    byKey.Add(new Rule(new List<string> { key }, new List<int> { block }, setting, entry.GroupStocLens));
                else
                    rule.Blocks.Add(block);
            }
            foreach (var rule in byKey)
            {
                // Operators with the same blocks and a uniform stream share one rule.
                var shared = rule.Lengths is null ? rules.Find(r => r.Lengths is null && r.Setting == rule.Setting && r.Blocks.SequenceEqual(rule.Blocks)) : null;
                if (shared is null)
                    rules.Add(rule);
                else
                    shared.Keys.Add(key);
            }
        }
        return new ImportResult(Write(map, options, rules, path), bag.Items);
    }

    private static void Validate(ScmpOperator entry, Operator op, ModelSpec model, string where, string path)
    {
        if (entry.StocLen < 1 || entry.StocLen > 1 << 15)
            throw new InteropException($"{path}: {where}.stoc_len is {entry.StocLen}; it must be in 1..32768 (2^15, the largest SC precision)");
        if (!(entry.Timewise >= 0 && entry.Timewise <= 1))
            throw new InteropException($"{path}: {where}.timewise is {Number(entry.Timewise)}; it is a fraction of the sampling steps in [0, 1]");
        if (entry.GroupStocLens is not { } lengths)
            return;
        if (Operators.HasHeads(op) && lengths.Count != model.Heads)
            throw new InteropException($"{path}: {where}.group_stoc_lens has {lengths.Count} entries but the model has {model.Heads} heads (one length per head)");
        var rows = model.OutputWidth(op);
        if (!Operators.HasHeads(op) && (lengths.Count == 0 || rows % lengths.Count != 0 || (op == Operator.Qkv && lengths.Count % 3 != 0)))
            throw new InteropException($"{path}: {where}.group_stoc_lens has {lengths.Count} entries, which does not split the {rows} output rows into equal groups{(op == Operator.Qkv ? " of equal Q, K and V parts" : string.Empty)}; scmp would leave the remainder rows undispatched");
        for (var i = 0; i < lengths.Count; i++)
        {
            if (lengths[i] < 0 || lengths[i] > 1 << 15)
                throw new InteropException($"{path}: {where}.group_stoc_lens[{i}] is {lengths[i]}; it must be in 0..32768 (0 prunes)");
        }
    }

    private static string Write(ScmpMap map, ImportOptions options, List<Rule> rules, string path)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"// Imported from the scmp SCPrecisionMap {System.IO.Path.GetFileName(path)} ({map.TotalBlocks} blocks).\n");
        text.Append(CultureInfo.InvariantCulture, $"recipe {options.Name} \"Imported from {System.IO.Path.GetFileName(path)}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"model {options.ModelText}\n");
        text.Append(CultureInfo.InvariantCulture, $"sampler ddpm steps {options.Steps}\n");
        text.Append((options.WeightBits ?? 8) == 0 ? "weights fp\n" : $"weights int{options.WeightBits ?? 8} per-channel symmetric\n");
        text.Append((options.ActivationBits ?? 8) == 0 ? "activations fp on all\n" : $"activations int{options.ActivationBits ?? 8} per-token dynamic on all\n");
        text.Append(CultureInfo.InvariantCulture, $"sc precision {options.Precision} kernel {options.Kernel} {{\n");
        foreach (var rule in rules)
        {
            var ops = string.Join(", ", rule.Keys.Select(k => Operators.Name(ScmpMap.Keys.First(p => p.Key == k).Operator)));
            var where = Selectors(rule, map, options.Steps);
            text.Append(CultureInfo.InvariantCulture, $"  {ops}{where} stream {rule.Setting.Stream}\n");
            if (rule.Lengths is { } lengths)
                WriteLengthOverrides(text, ops, where, rule.Setting.Stream, lengths, Operators.HasHeads(ScmpMap.Keys.First(p => p.Key == rule.Keys[0]).Operator));
        }
        text.Append("}\n");
        return text.ToString();
    }

    private static string Selectors(Rule rule, ScmpMap map, int steps)
    {
        var blocks = IndexSelector.Write(rule.Blocks, map.TotalBlocks);
        var where = blocks == "all" ? string.Empty : " blocks " + blocks;
        return rule.Setting.Timewise >= 1 ? where : where + " steps noisiest " + Percent(rule.Setting.Timewise, steps) + "%";
    }

    /// <summary>Per-head (qk, av) or per-group lengths: the heads or groups whose length differs from the operator's
    /// stream get their own rule. When none differs, one rule over all of them keeps the split itself.</summary>
    private static void WriteLengthOverrides(StringBuilder text, string ops, string where, int stream, IReadOnlyList<int> lengths, bool heads)
    {
        var of = heads ? string.Empty : $" of {lengths.Count}";
        var unit = heads ? "heads" : "groups";
        var distinct = lengths.Distinct().Where(l => l != stream).ToList();
        if (distinct.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {ops}{where} {unit} all{of} stream {stream}\n");
            return;
        }
        foreach (var length in distinct)
        {
            var indices = Enumerable.Range(0, lengths.Count).Where(i => lengths[i] == length).ToList();
            var action = length == 0 ? "off" : $"stream {length}";
            text.Append(CultureInfo.InvariantCulture, $"  {ops}{where} {unit} {IndexSelector.Write(indices, lengths.Count)}{of} {action}\n");
        }
    }

    /// <summary>The shortest decimal P whose ⌊(P/100)·T⌋ selects the steps scmp's ⌊timewise·T⌋ does, in binary64, for
    /// every step count a sampler allows (1..1000), so the recipe stays right if its steps change. Short fractions
    /// (0.6 → 60) have such a P; for the rare fraction without one, the shortest that is right at the recipe's T.</summary>
    internal static string Percent(double fraction, int steps)
    {
        string? atSteps = null;
        for (var digits = 1; digits <= 17; digits++)
        {
            var text = (fraction * 100).ToString("G" + digits, CultureInfo.InvariantCulture);
            if (text.Contains('E') || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                continue;
            var quotient = value / 100.0;
            if (SameSteps(quotient, fraction, 1, MaxSteps))
                return text;
            if (atSteps is null && SameSteps(quotient, fraction, steps, steps))
                atSteps = text;
        }
        return atSteps ?? throw new InteropException($"timewise {Number(fraction)} has no percentage that selects {Math.Floor(fraction * steps)} of {steps} steps");
    }

    private const int MaxSteps = 1000;

    private static bool SameSteps(double a, double b, int fromSteps, int toSteps)
    {
        for (var t = fromSteps; t <= toSteps; t++)
        {
            if (Math.Floor(a * t) != Math.Floor(b * t))
                return false;
        }
        return true;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
