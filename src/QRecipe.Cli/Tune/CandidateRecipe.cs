using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using QRecipe.Language.Formatting;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Cli.Tune;

/// <summary>
/// Writes a configuration (one choice per group) as recipe text: the base recipe without its <c>tune</c> section,
/// followed by rules for only the cells whose setting differs from the base. Cells with the same setting are merged
/// into few rules: per operator, blocks with the same steps share a rule, then operators with the same blocks and
/// steps. The rules never overlap, so their order does not matter, and they come after every base rule, so they win.
/// </summary>
internal static class CandidateRecipe
{
    public static string Text(TuneBase tuneBase, IReadOnlyList<int> choices, string name, IEnumerable<string> comments)
    {
        var plan = tuneBase.Plan;
        var weights = new Dictionary<string, HashSet<(Operator, int, int)>>();
        var activations = new Dictionary<string, HashSet<(Operator, int, int)>>();
        var streams = new Dictionary<(string Header, int Length), Dictionary<(Operator, int, int), SortedSet<int>>>();
        foreach (var group in tuneBase.Space.Groups)
        {
            var value = group.Choices[choices[group.Index]];
            foreach (var cell in group.Cells)
            {
                var setting = plan.Get(new Step(cell.Step), new Block(cell.Block), cell.Operator);
                var position = (cell.Operator, cell.Block, cell.Step);
                switch (group.Aspect)
                {
                    case TuneAspect.WeightBits when setting.Weights.Bits != value:
                        Add(weights, WeightSpec(setting.Weights, value), position);
                        break;
                    case TuneAspect.ActivationBits when setting.Activations.Bits != value:
                        Add(activations, ActivationSpec(setting.Activations, value), position);
                        break;
                    case TuneAspect.Stream when StreamDiffers(setting.Sc, cell.Head, value):
                        var key = (ScHeaderText(setting.Sc), value);
                        if (!streams.TryGetValue(key, out var cells))
                            streams[key] = cells = new Dictionary<(Operator, int, int), SortedSet<int>>();
                        if (!cells.TryGetValue(position, out var heads))
                            cells[position] = heads = new SortedSet<int>();
                        heads.Add(cell.Head);
                        break;
                }
            }
        }
        var text = new StringBuilder();
        foreach (var comment in comments)
            text.Append("// ").Append(comment).Append('\n');
        foreach (var (spec, cells) in weights.OrderBy(p => p.Key, StringComparer.Ordinal))
            AppendQuantRules(text, "weights " + spec, cells, plan);
        foreach (var (spec, cells) in activations.OrderBy(p => p.Key, StringComparer.Ordinal))
            AppendQuantRules(text, "activations " + spec, cells, plan);
        foreach (var header in streams.Keys.Select(k => k.Header).Distinct().OrderBy(h => h, StringComparer.Ordinal))
        {
            text.Append(header).Append(" {\n");
            foreach (var ((_, length), cells) in streams.Where(p => p.Key.Header == header).OrderByDescending(p => p.Key.Length))
            {
                // Cells with the same heads (or whole cells, head −1) merge into one rule.
                foreach (var byHeads in cells.GroupBy(c => string.Join(",", c.Value)).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var heads = byHeads.First().Value;
                    var headText = heads.Contains(-1) ? string.Empty : " heads " + IndexRanges.Of(heads);
                    foreach (var (ops, blocks, steps) in Merge(byHeads.Select(c => c.Key)))
                        text.Append("  ").Append(Names(ops)).Append(Scope(blocks, steps, plan)).Append(headText).Append(" stream ").Append(length.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
            text.Append("}\n");
        }
        // The formatter's canonical layout, so that a written recipe passes 'qrecipe fmt --check'.
        var written = tuneBase.With(name, text.ToString());
        var formatted = RecipeFormatter.Format(written);
        return formatted.Succeeded ? formatted.Text : written;
    }

    private static void Add(Dictionary<string, HashSet<(Operator, int, int)>> rules, string spec, (Operator, int, int) cell)
    {
        if (!rules.TryGetValue(spec, out var cells))
            rules[spec] = cells = new HashSet<(Operator, int, int)>();
        cells.Add(cell);
    }

    /// <summary>The base quantizer at another width; a float base gets the language's defaults.</summary>
    public static string WeightSpec(WeightQuant base_, int bits) =>
        (base_.IsFloat ? new WeightQuant(bits, Granularity.PerChannel, 0, true, WeightMethod.Rtn) : base_ with { Bits = bits }).ToString();

    public static string ActivationSpec(ActivationQuant base_, int bits) =>
        (base_.IsFloat ? new ActivationQuant(bits, Granularity.PerToken, 0, true, false) : base_ with { Bits = bits }).ToString();

    private static bool StreamDiffers(ScSetting sc, int head, int length) =>
        head >= 0 ? sc.StreamOfHead(head) != length : !(sc.HeadStreams.IsEmpty && sc.GroupStreams.IsEmpty && sc.Stream == length);

    /// <summary>An <c>sc</c> section header that states every setting of the base cells, so the section does not
    /// depend on the sections before it.</summary>
    public static string ScHeaderText(ScSetting sc)
    {
        var text = new StringBuilder("sc precision ").Append(sc.Precision.ToString(CultureInfo.InvariantCulture));
        text.Append(" kernel ").Append(sc.Kernel switch { ScKernel.Enable => "enable", ScKernel.Xnor => "xnor", _ => "and" });
        text.Append(" scramble ").Append(sc.Scramble switch { ScScramble.Bitrev => "bitrev", ScScramble.Counter => "counter", ScScramble.Off => "off", _ => "random" });
        if (sc.Scramble == ScScramble.Random)
            text.Append(" seed ").Append(sc.ScrambleSeed.ToString(CultureInfo.InvariantCulture));
        if (sc.Halve)
            text.Append(" halve");
        if (sc.Chunk > 0)
            text.Append(" chunk ").Append(sc.Chunk.ToString(CultureInfo.InvariantCulture));
        if (sc.Noise is { } noise)
            text.Append(" noise local ").Append(noise.Local.ToString("R", CultureInfo.InvariantCulture)).Append(" global ").Append(noise.Global.ToString("R", CultureInfo.InvariantCulture));
        if (sc.Debug)
            text.Append(" debug");
        return text.ToString();
    }

    private static void AppendQuantRules(StringBuilder text, string statement, IEnumerable<(Operator, int, int)> cells, RecipePlan plan)
    {
        foreach (var (ops, blocks, steps) in Merge(cells))
        {
            var scope = Scope(blocks, steps, plan);
            if (scope.Length == 0)
                text.Append(statement).Append(" on ").Append(Names(ops)).Append('\n');
            else
                text.Append("at").Append(scope).Append(" {\n  ").Append(statement).Append(" on ").Append(Names(ops)).Append("\n}\n");
        }
    }

    /// <summary>(operators, blocks, steps) rectangles whose union is exactly the given cells.</summary>
    private static IEnumerable<(List<Operator> Ops, List<int> Blocks, List<int> Steps)> Merge(IEnumerable<(Operator Op, int Block, int Step)> cells)
    {
        var byOpBlock = cells.GroupBy(c => (c.Op, c.Block)).Select(g => (g.Key.Op, g.Key.Block, Steps: g.Select(c => c.Step).OrderBy(s => s).ToList()));
        var byOpSteps = byOpBlock.GroupBy(x => (x.Op, Steps: string.Join(",", x.Steps)))
            .Select(g => (g.Key.Op, g.First().Steps, Blocks: g.Select(x => x.Block).OrderBy(b => b).ToList()));
        return byOpSteps.GroupBy(x => (Blocks: string.Join(",", x.Blocks), Steps: string.Join(",", x.Steps)))
            .Select(g => (Ops: g.Select(x => x.Op).OrderBy(o => o).ToList(), g.First().Blocks, g.First().Steps))
            .OrderBy(r => r.Ops[0]).ThenBy(r => r.Blocks[0]).ThenBy(r => r.Steps[0]);
    }

    /// <summary><c> blocks 0..2 steps 0..24</c>, leaving out a dimension that covers the whole model.</summary>
    private static string Scope(List<int> blocks, List<int> steps, RecipePlan plan)
    {
        var text = new StringBuilder();
        if (blocks.Count < plan.Depth)
            text.Append(" blocks ").Append(IndexRanges.Of(blocks));
        if (steps.Count < plan.Steps)
            text.Append(" steps ").Append(IndexRanges.Of(steps));
        return text.ToString();
    }

    private static string Names(IEnumerable<Operator> ops) => string.Join(", ", ops.Select(Operators.Name));
}
