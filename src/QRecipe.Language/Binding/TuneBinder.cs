using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Language.Binding;

/// <summary>Checks a <c>tune</c> section: budget, seed counts, and each rule's operators, selectors, choices and
/// granularity (docs/tune.md).</summary>
internal sealed class TuneBinder(DiagnosticSink sink, SelectorBinder selectors, Dimension blocks, Dimension steps, Dimension heads)
{
    /// <summary>Most seeds a search or validation may ask for.</summary>
    public const int MaxSeeds = 1_000_000;

    public BoundTune? Bind(StatementSyntax statement)
    {
        var categories = new ClauseCategories(sink);
        var ok = true;
        TuneBudget? budget = null;
        int? seeds = null, validate = null;
        foreach (var clause in statement.Clauses)
        {
            ok &= categories.Claim(clause.Name, clause);
            switch (clause.Name)
            {
                case "budget":
                    budget = BindBudget(clause);
                    ok &= budget is not null;
                    break;
                case "seeds":
                    seeds = sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 1, MaxSeeds, DiagnosticCatalog.InvalidTuneSetting, "search seed count");
                    ok &= seeds is not null;
                    break;
                case "validate":
                    validate = sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 2, MaxSeeds, DiagnosticCatalog.InvalidTuneSetting, "validation sample count");
                    ok &= validate is not null;
                    break;
            }
        }
        var rules = new List<BoundTuneRule>();
        foreach (var rule in statement.Body ?? new List<StatementSyntax>())
        {
            if (rule.Kind != StatementKind.TuneRule)
                continue;
            var bound = BindRule(rule);
            ok &= bound is not null;
            if (bound is not null)
                rules.Add(bound);
        }
        if (ok && rules.Count == 0)
            sink.Report(DiagnosticCatalog.TuneSelectsNothing, statement.HeaderSpan, "this 'tune' section has no rule, so there is nothing to search; add e.g. 'wbits linear choices 8 4 per-block per-op'");
        return ok ? new BoundTune(statement.Span, budget, seeds, validate, rules) : null;
    }

    private TuneBudget? BindBudget(ClauseSyntax clause)
    {
        var kindWord = ((WordArgument)clause.Arguments[0]).Word;
        var number = ((NumberArgument)clause.Arguments[1]).Number;
        TuneBudget.TryKind(kindWord.Text, out var kind);
        if (number.IsTooLarge)
        {
            sink.Report(DiagnosticCatalog.NumberOutOfRange, number.Span, $"budget {number.Text} is too large");
            return null;
        }
        if (TuneBudget.Problem(kind, number.Value, number.IsPercent) is { } problem)
        {
            sink.Report(DiagnosticCatalog.InvalidTuneBudget, clause.Span, "budget " + problem);
            return null;
        }
        return new TuneBudget(kind, number.Value, number.IsPercent);
    }

    private BoundTuneRule? BindRule(StatementSyntax rule)
    {
        var aspect = rule.Keyword!.Text switch
        {
            "wbits" => TuneAspect.WeightBits,
            "abits" => TuneAspect.ActivationBits,
            _ => TuneAspect.Stream,
        };
        var categories = new ClauseCategories(sink);
        var ok = true;
        foreach (var clause in rule.Clauses.Where(c => c.Keyword is not null))
            ok &= categories.Claim(clause.Name, clause);
        var opsClause = rule.Clauses.First(c => c.Keyword is null);
        var opsArgument = (OperatorsArgument)opsClause.Arguments[0];
        var ops = selectors.ResolveOperators(opsArgument);
        if (ops is null)
            return null;
        foreach (var name in opsArgument.Names)
        {
            if (!Operators.TryParse(name.Text, out var op))
                continue;
            string? problem = !Operators.IsPerBlock(op)
                ? $"tuning chooses settings inside the DiT blocks; '{name.Text}' runs outside them"
                : aspect == TuneAspect.WeightBits && !Operators.HasWeights(op)
                    ? $"'{name.Text}' multiplies two activations and has no weights; tune it with 'abits' or 'stream'"
                    : null;
            if (problem is not null)
            {
                sink.Report(DiagnosticCatalog.TuneAspectDoesNotApply, name.Span, problem);
                ok = false;
            }
        }
        var mask = ops.Select((m, i) => m && Operators.IsPerBlock((Operator)i) && (aspect != TuneAspect.WeightBits || Operators.HasWeights((Operator)i))).ToArray();
        bool[]? blockMask = null, stepMask = null, headMask = null;
        int[]? choices = null;
        var stepBands = 1;
        foreach (var clause in rule.Clauses.Where(c => c.Keyword is not null))
        {
            switch (clause.Name)
            {
                case "blocks":
                    blockMask = selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, blocks);
                    ok &= blockMask is not null;
                    break;
                case "steps":
                    stepMask = selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, steps);
                    ok &= stepMask is not null;
                    break;
                case "heads":
                    ok &= HeadsApply(clause, aspect, mask);
                    headMask = selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, heads);
                    ok &= headMask is not null;
                    break;
                case "per-head":
                    ok &= HeadsApply(clause, aspect, mask);
                    break;
                case "choices":
                    choices = BindChoices(clause, aspect);
                    ok &= choices is not null;
                    break;
                case "step-bands":
                    var bands = sink.Integer(((NumberArgument)clause.Arguments[0]).Number, 1, steps.Count, DiagnosticCatalog.InvalidTuneSetting, "step band count");
                    ok &= bands is not null;
                    stepBands = bands ?? 1;
                    break;
            }
        }
        if (ok && choices is null)
        {
            sink.Report(DiagnosticCatalog.InvalidTuneChoices, rule.Span, $"a '{rule.Keyword.Text}' rule needs 'choices' with two values or more (e.g. 'choices 8 4')");
            ok = false;
        }
        if (!ok)
            return null;
        var all = Enumerable.Repeat(true, steps.Count).ToArray();
        var scope = new Scope(all, Enumerable.Repeat(true, blocks.Count).ToArray(), mask).Intersect(stepMask, blockMask, null);
        var perHead = rule.Clauses.Any(c => c.Name == "per-head");
        if (perHead && headMask is null)
            headMask = Enumerable.Repeat(true, heads.Count).ToArray();
        return new BoundTuneRule(rule.Span, aspect, scope, headMask, choices!,
            rule.Clauses.Any(c => c.Name == "per-block"), rule.Clauses.Any(c => c.Name == "per-op"), perHead, stepBands);
    }

    /// <summary>Heads are a stream-length dimension of qk and av only.</summary>
    private bool HeadsApply(ClauseSyntax clause, TuneAspect aspect, bool[] ops)
    {
        var headless = Operators.PerBlock.Where(op => ops[(int)op] && !Operators.HasHeads(op)).Select(Operators.Name).ToList();
        string? problem = aspect != TuneAspect.Stream
            ? $"'{clause.Name}' splits SC stream lengths by head; bit widths are chosen per cell"
            : headless.Count > 0
                ? $"'{clause.Name}' applies to qk and av; {string.Join(", ", headless)} {(headless.Count == 1 ? "has" : "have")} no heads"
                : null;
        if (problem is null)
            return true;
        sink.Report(DiagnosticCatalog.TuneAspectDoesNotApply, clause.Span, problem);
        return false;
    }

    private int[]? BindChoices(ClauseSyntax clause, TuneAspect aspect)
    {
        var (min, max, what) = aspect switch
        {
            TuneAspect.WeightBits => (2, 8, "weight bits"),
            TuneAspect.ActivationBits => (2, 16, "activation bits"),
            _ => (1, 1 << 15, "stream length"),
        };
        var values = new List<int>();
        foreach (var argument in clause.Arguments.Cast<NumberArgument>())
        {
            var value = sink.Integer(argument.Number, min, max, DiagnosticCatalog.InvalidTuneChoices, what);
            if (value is null)
                return null;
            if (values.Contains(value.Value))
            {
                sink.Report(DiagnosticCatalog.InvalidTuneChoices, argument.Span, $"{what} {value} is listed twice");
                return null;
            }
            values.Add(value.Value);
        }
        if (values.Count < 2)
        {
            sink.Report(DiagnosticCatalog.InvalidTuneChoices, clause.Span, $"one choice leaves nothing to search; list two {what} values or more");
            return null;
        }
        return values.OrderByDescending(v => v).ToArray();
    }
}
