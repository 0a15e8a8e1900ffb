using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Binding;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Language.Lowering;

/// <summary>
/// Lowers a <c>tune</c> section against the base plan into cell groups. Checks that need the plan happen here: stream
/// tuning needs SC on with one setting (apart from its lengths) in all its cells and choices within their precision,
/// and no cell (or head) may be chosen by two rules of the same aspect.
/// </summary>
internal sealed class TuneSpaceLowerer(BoundTune tune, RecipePlan plan, DiagnosticSink sink)
{
    public TuneSpace? Lower()
    {
        var groups = new List<TuneGroup>();
        var owners = new Dictionary<(TuneAspect, int, int, Operator, int), BoundTuneRule>();
        var ok = true;
        foreach (var rule in tune.Rules)
        {
            var cells = Cells(rule);
            if (cells.Count == 0)
            {
                sink.Report(DiagnosticCatalog.TuneSelectsNothing, rule.Span, "this rule selects no cell of the model");
                continue;
            }
            ok &= rule.Aspect != TuneAspect.Stream || StreamsApply(rule, cells);
            ok &= Unshared(rule, cells, owners);
            if (ok)
                groups.AddRange(Split(rule, cells, groups.Count));
        }
        return ok ? new TuneSpace(tune.Budget, tune.Seeds, tune.Validate, groups) : null;
    }

    private List<TuneCell> Cells(BoundTuneRule rule)
    {
        var cells = new List<TuneCell>();
        var heads = rule.Heads is { } mask ? Enumerable.Range(0, mask.Length).Where(h => mask[h]).ToArray() : new[] { -1 };
        for (var step = 0; step < plan.Steps; step++)
        {
            if (!rule.Scope.Steps[step])
                continue;
            for (var block = 0; block < plan.Depth; block++)
            {
                if (!rule.Scope.Blocks[block])
                    continue;
                foreach (var op in Operators.PerBlock)
                {
                    if (rule.Scope.Operators[(int)op])
                        cells.AddRange(heads.Select(head => new TuneCell(step, block, op, head)));
                }
            }
        }
        return cells;
    }

    /// <summary>The base must run every selected cell in SC with the same header settings, so one written section
    /// header serves all choices; choices must fit the cells' precision.</summary>
    private bool StreamsApply(BoundTuneRule rule, List<TuneCell> cells)
    {
        ScSetting? first = null;
        TuneCell? firstCell = null;
        foreach (var cell in cells)
        {
            var sc = plan.Get(new Step(cell.Step), new Block(cell.Block), cell.Operator).Sc;
            var where = $"step {cell.Step}, block {cell.Block}, {Operators.Name(cell.Operator)}";
            if (!sc.Enabled)
            {
                sink.Report(DiagnosticCatalog.TuneStreamWithoutSc, rule.Span, $"stream tuning changes SC stream lengths, but the base recipe runs {where} without SC; turn SC on there or narrow the rule");
                return false;
            }
            var header = Header(sc);
            if (first is null)
            {
                (first, firstCell) = (header, cell);
                continue;
            }
            if (!header.Equals(first))
            {
                sink.Report(DiagnosticCatalog.TuneStreamWithoutSc, rule.Span,
                    $"the base recipe runs {where} with other SC settings than step {firstCell!.Step}, block {firstCell.Block}, {Operators.Name(firstCell.Operator)} (precision, kernel, scrambling, mixed precision or noise); split the rule so each has one SC setting");
                return false;
            }
        }
        if (rule.Choices[0] > first!.FullStream)
        {
            sink.Report(DiagnosticCatalog.InvalidTuneChoices, rule.Span, $"stream choice {rule.Choices[0]} is above 2^{first.Precision} = {first.FullStream}, the precision of these SC cells");
            return false;
        }
        return true;
    }

    /// <summary>The SC setting without its lengths: what a written section header and rule must keep.</summary>
    public static ScSetting Header(ScSetting sc) => sc with { Stream = 0, HeadStreams = EquatableArray<int>.Empty, GroupStreams = EquatableArray<int>.Empty };

    private bool Unshared(BoundTuneRule rule, List<TuneCell> cells, Dictionary<(TuneAspect, int, int, Operator, int), BoundTuneRule> owners)
    {
        foreach (var cell in cells)
        {
            var heads = cell.Head >= 0 ? new[] { cell.Head } : Enumerable.Range(0, plan.Model.Heads).ToArray();
            foreach (var head in heads)
            {
                var key = (rule.Aspect, cell.Step, cell.Block, cell.Operator, head);
                if (owners.TryGetValue(key, out var earlier) && earlier != rule)
                {
                    sink.Report(DiagnosticCatalog.TuneRulesOverlap, rule.Span,
                        $"step {cell.Step}, block {cell.Block}, {Operators.Name(cell.Operator)} is also chosen by the rule at line {earlier.Span.Line}; each cell takes one choice per aspect");
                    return false;
                }
                owners[key] = rule;
            }
        }
        return true;
    }

    /// <summary>Cells split by block, operator and head where the rule asks, and its selected steps into equal
    /// consecutive bands.</summary>
    private IEnumerable<TuneGroup> Split(BoundTuneRule rule, List<TuneCell> cells, int firstIndex)
    {
        var steps = cells.Select(c => c.Step).Distinct().OrderBy(s => s).ToList();
        var band = steps.Select((step, position) => (step, position)).ToDictionary(p => p.step, p => p.position * rule.StepBands / steps.Count);
        var index = firstIndex;
        var choices = new EquatableArray<int>(rule.Choices);
        foreach (var group in cells.GroupBy(c => (
                     Block: rule.PerBlock ? c.Block : -1, Op: rule.PerOperator ? (int)c.Operator : -1, Head: rule.PerHead ? c.Head : -1, Band: band[c.Step]))
                 .OrderBy(g => g.Key.Band).ThenBy(g => g.Key.Block).ThenBy(g => g.Key.Op).ThenBy(g => g.Key.Head))
        {
            var members = group.ToList();
            yield return new TuneGroup(index++, rule.Aspect, choices, members, Label(rule, members));
        }
    }

    private static string Label(BoundTuneRule rule, List<TuneCell> cells)
    {
        var aspect = rule.Aspect switch { TuneAspect.WeightBits => "wbits", TuneAspect.ActivationBits => "abits", _ => "stream" };
        var ops = string.Join(",", cells.Select(c => c.Operator).Distinct().OrderBy(o => o).Select(Operators.Name));
        var blocks = IndexRanges.Of(cells.Select(c => c.Block));
        var steps = IndexRanges.Of(cells.Select(c => c.Step));
        var heads = cells[0].Head >= 0 ? " heads " + IndexRanges.Of(cells.Select(c => c.Head)) : string.Empty;
        return $"{aspect} {ops} blocks {blocks} steps {steps}{heads}";
    }
}
