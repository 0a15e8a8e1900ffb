using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Text;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>
/// Checks a parsed recipe against its model and sampler and turns its statements into the rules of the cascade.
/// Every error is reported; binding goes on after one so a file's problems all show at once.
/// </summary>
internal sealed class Binder
{
    private readonly DiagnosticSink _sink;
    private readonly SelectorBinder _selectors;
    private readonly HeaderBinder _headers;
    private readonly QuantizerBinder _quantizers;
    private readonly ScBinder _sc;
    private readonly SmoothBinder _smooth;
    private readonly List<BoundRule> _rules = new();
    private readonly Dictionary<Operator, (int Count, SourceSpan Span)> _groupCounts = new();
    private ModelSpec _model = null!;
    private Dimension _blocks = null!;
    private Dimension _steps = null!;
    private Dimension _heads = null!;
    private ScHeader _topLevelHeader = ScHeader.Default;
    private SourceSpan? _needsCalibration;

    public Binder(DiagnosticSink sink)
    {
        _sink = sink;
        _selectors = new SelectorBinder(sink);
        _headers = new HeaderBinder(sink);
        _quantizers = new QuantizerBinder(sink);
        _sc = new ScBinder(sink);
        _smooth = new SmoothBinder(sink);
    }

    public BoundRecipe? Bind(RecipeSyntax syntax)
    {
        var header = BindHeader(syntax);
        CheckPlacement(syntax.Statements, parent: null);
        if (header.Model is null || header.Sampler is null)
            return null;
        _model = header.Model;
        _blocks = new Dimension("block", "blocks", _model.Depth, _model.Name, DiagnosticCatalog.BlockOutOfRange);
        _steps = new Dimension("step", "steps", header.Sampler.Steps, $"the {header.Sampler.Steps}-step sampler", DiagnosticCatalog.StepOutOfRange, IsSteps: true);
        _heads = new Dimension("head", "heads", _model.Heads, _model.Name, DiagnosticCatalog.HeadOutOfRange);
        var calibrationStatement = syntax.Statements.FirstOrDefault(s => s.Kind == StatementKind.Calibrate);
        var calibration = calibrationStatement is null ? null : _headers.BindCalibration(calibrationStatement, _selectors, _steps);
        var everything = new Scope(All(_steps.Count), All(_blocks.Count), All(Operators.All.Count));
        BindStatements(syntax.Statements, everything, inherited: null, topLevel: true);
        if (_needsCalibration is { } span && calibrationStatement is null)
        {
            _sink.Report(DiagnosticCatalog.CalibrationRequired, span,
                "this needs calibration data (static ranges, GPTQ Hessians or smoothing statistics); add 'calibrate samples N steps …'");
        }
        var tune = BindTune(syntax);
        if (header.Name is null)
            return null;
        return new BoundRecipe(header.Name, header.Description, _model, header.Sampler, _needsCalibration is null ? null : calibration, _rules, _needsCalibration, tune);
    }

    /// <summary>The first top-level <c>tune</c> section; a second is QR0108. It adds no rule to the cascade: a recipe
    /// with a <c>tune</c> section runs as its base recipe.</summary>
    private BoundTune? BindTune(RecipeSyntax syntax)
    {
        var sections = syntax.Statements.Where(s => s.Kind == StatementKind.Tune).ToList();
        foreach (var extra in sections.Skip(1))
            _sink.Report(DiagnosticCatalog.DuplicateStatement, extra.Keyword!.Span, $"'tune' is given twice; the first is at line {sections[0].Span.Line}");
        return sections.Count == 0 ? null : new TuneBinder(_sink, _selectors, _blocks, _steps, _heads).Bind(sections[0]);
    }

    private static bool[] All(int count) => Enumerable.Repeat(true, count).ToArray();

    private (string? Name, string Description, ModelSpec? Model, SamplerSpec? Sampler) BindHeader(RecipeSyntax syntax)
    {
        string? name = null;
        var description = string.Empty;
        ModelSpec? model = null;
        SamplerSpec? sampler = null;
        var seen = new Dictionary<StatementKind, StatementSyntax>();
        foreach (var statement in syntax.Statements)
        {
            if (statement.Kind is not (StatementKind.Recipe or StatementKind.Model or StatementKind.Sampler or StatementKind.Calibrate))
                continue;
            if (seen.TryGetValue(statement.Kind, out var first))
            {
                _sink.Report(DiagnosticCatalog.DuplicateStatement, statement.Keyword!.Span,
                    $"'{statement.Keyword.Text}' is given twice; the first is at line {first.Span.Line}");
                continue;
            }
            seen[statement.Kind] = statement;
            switch (statement.Kind)
            {
                case StatementKind.Recipe:
                    (name, description) = _headers.BindRecipe(statement);
                    break;
                case StatementKind.Model:
                    model = _headers.BindModel(statement);
                    break;
                case StatementKind.Sampler:
                    sampler = _headers.BindSampler(statement);
                    break;
            }
        }
        var start = new SourceText(string.Empty, _sink.Path).Span(0, 0);
        if (!seen.ContainsKey(StatementKind.Recipe))
            _sink.Report(DiagnosticCatalog.MissingRecipeHeader, start, "the file has no 'recipe Name \"description\"' statement");
        if (!seen.ContainsKey(StatementKind.Model))
            _sink.Report(DiagnosticCatalog.MissingModel, start, "the file has no 'model' statement; every check needs the architecture (e.g. 'model dit-xl/2 image 256')");
        if (!seen.ContainsKey(StatementKind.Sampler))
            _sink.Report(DiagnosticCatalog.MissingSampler, start, "the file has no 'sampler' statement; step selectors need the step count (e.g. 'sampler ddpm steps 50')");
        return (name, description, model, sampler);
    }

    /// <summary>Header statements belong at the top; SC rules only inside <c>sc</c> sections; sections do not nest
    /// inside <c>sc</c>.</summary>
    private void CheckPlacement(IReadOnlyList<StatementSyntax> statements, StatementSyntax? parent)
    {
        foreach (var statement in statements)
        {
            var inSc = parent?.Kind == StatementKind.Sc;
            var inTune = parent?.Kind == StatementKind.Tune;
            string? problem = statement.Kind switch
            {
                StatementKind.Tune when parent is not null => "'tune' belongs at the top level of the file",
                StatementKind.TuneRule when !inTune => $"'{statement.Keyword!.Text}' rules go inside a 'tune … {{ }}' section",
                not StatementKind.TuneRule when inTune => $"a 'tune' section holds only 'wbits', 'abits' and 'stream' rules; '{statement.Keyword?.Text ?? "rule"}' belongs outside it",
                StatementKind.Recipe or StatementKind.Model or StatementKind.Sampler or StatementKind.Calibrate when parent is not null =>
                    $"'{statement.Keyword!.Text}' belongs at the top level of the file",
                StatementKind.ScRule or StatementKind.MixedPrecision or StatementKind.RangeMixedPrecision when !inSc =>
                    "SC rules go inside an 'sc … { }' section",
                StatementKind.Weights or StatementKind.Activations or StatementKind.Smooth or StatementKind.At or StatementKind.Sc when inSc =>
                    $"'{statement.Keyword!.Text}' cannot appear inside an 'sc' section; close the section first",
                _ => null,
            };
            if (problem is not null)
                _sink.Report(DiagnosticCatalog.MisplacedStatement, statement.HeaderSpan, problem);
            if (statement.Body is not null)
                CheckPlacement(statement.Body, statement);
        }
    }

    private void BindStatements(IReadOnlyList<StatementSyntax> statements, Scope scope, ScHeader? inherited, bool topLevel)
    {
        foreach (var statement in statements)
        {
            switch (statement.Kind)
            {
                case StatementKind.Weights:
                    BindWeights(statement, scope);
                    break;
                case StatementKind.Activations:
                    BindActivations(statement, scope);
                    break;
                case StatementKind.Smooth:
                    BindSmooth(statement, scope);
                    break;
                case StatementKind.At:
                    BindAt(statement, scope);
                    break;
                case StatementKind.Sc:
                    BindScSection(statement, scope, topLevel);
                    break;
                case StatementKind.ScRule when inherited is not null:
                    BindStreamRule(statement, scope, inherited);
                    break;
                case StatementKind.MixedPrecision when inherited is not null:
                    BindMixedPrecision(statement, scope, inherited);
                    break;
                case StatementKind.RangeMixedPrecision when inherited is not null:
                    BindRange(statement, scope, inherited);
                    break;
            }
        }
    }

    private bool[]? OperatorsOf(StatementSyntax statement)
    {
        var on = statement.Clauses.FirstOrDefault(c => c.Name == "on" || c.Keyword is null && c.Arguments[0] is OperatorsArgument);
        return on is null ? null : _selectors.ResolveOperators((OperatorsArgument)on.Arguments[0]);
    }

    private static bool[] Mask(IEnumerable<Operator> ops)
    {
        var mask = new bool[Operators.All.Count];
        foreach (var op in ops)
            mask[(int)op] = true;
        return mask;
    }

    private void BindWeights(StatementSyntax statement, Scope scope)
    {
        var quant = _quantizers.BindWeights(statement);
        var explicitOps = OperatorsOf(statement);
        var ops = explicitOps ?? Mask(Operators.Groups["linear"]);
        if (explicitOps is not null)
        {
            var on = statement.Clauses.First(c => c.Name == "on");
            foreach (var name in ((OperatorsArgument)on.Arguments[0]).Names)
            {
                if (Operators.TryParse(name.Text, out var op) && !Operators.HasWeights(op))
                    _sink.Report(DiagnosticCatalog.WeightsOnWeightlessOperator, name.Span, $"'{name.Text}' multiplies two activations and has no weights; use 'activations … on {name.Text}'");
            }
            ops = ops.Select((m, i) => m && Operators.HasWeights((Operator)i)).ToArray();
        }
        if (quant is null)
            return;
        if (quant.Granularity == Granularity.Group)
            CheckGroupSize(statement, quant.GroupSize, ops, scope);
        _rules.Add(new WeightRule(statement.Span, scope.Intersect(null, null, ops), quant));
        if (quant.Method == WeightMethod.Gptq)
            _needsCalibration ??= statement.Span;
    }

    private void BindActivations(StatementSyntax statement, Scope scope)
    {
        var quant = _quantizers.BindActivations(statement);
        var ops = OperatorsOf(statement) ?? Mask(Operators.Groups["linear"]);
        if (quant is null)
            return;
        if (quant.Granularity == Granularity.Group)
            CheckGroupSize(statement, quant.GroupSize, ops, scope);
        _rules.Add(new ActivationRule(statement.Span, scope.Intersect(null, null, ops), quant));
        if (quant.Static)
            _needsCalibration ??= statement.Span;
    }

    private void CheckGroupSize(StatementSyntax statement, int groupSize, bool[] ops, Scope scope)
    {
        var clause = statement.Clauses.First(c => c.Name == "group");
        foreach (var op in Operators.All)
        {
            if (!ops[(int)op] || !scope.Operators[(int)op])
                continue;
            var width = _model.InputWidth(op);
            if (width % groupSize != 0)
            {
                _sink.Report(DiagnosticCatalog.GroupSizeDoesNotDivide, clause.Span,
                    $"group size {groupSize} does not divide the input width {width} of {Operators.Name(op)} in {_model.Name}");
            }
        }
    }

    private void BindSmooth(StatementSyntax statement, Scope scope)
    {
        if (!scope.Steps.All(s => s))
        {
            _sink.Report(DiagnosticCatalog.SmoothingVariesByStep, statement.HeaderSpan,
                "smoothing is folded into the weights once, so it cannot be limited to some steps; move it out of the 'at steps …' block");
            return;
        }
        var explicitOps = OperatorsOf(statement);
        if (explicitOps is not null)
        {
            var on = statement.Clauses.First(c => c.Name == "on");
            foreach (var name in ((OperatorsArgument)on.Arguments[0]).Names)
            {
                if (Operators.TryParse(name.Text, out var op) && (!Operators.HasWeights(op) || !Operators.IsPerBlock(op)))
                    _sink.Report(DiagnosticCatalog.SmoothingOnWeightlessOperator, name.Span, $"smoothing moves scale from activations into a block's weight layer; '{name.Text}' is not one");
            }
        }
        var ops = (explicitOps ?? Mask(SmoothBinder.DefaultOperators)).Select((m, i) => m && Operators.HasWeights((Operator)i) && Operators.IsPerBlock((Operator)i)).ToArray();
        var setting = _smooth.Bind(statement);
        if (setting is null)
            return;
        _rules.Add(new SmoothRule(statement.Span, scope.Intersect(null, null, ops), setting));
        _needsCalibration ??= statement.Span;
    }

    private void BindAt(StatementSyntax statement, Scope scope)
    {
        var categories = new ClauseCategories(_sink);
        bool[]? blocks = null, steps = null, ops = null;
        var ok = true;
        foreach (var clause in statement.Clauses)
        {
            ok &= categories.Claim(clause.Name, clause);
            switch (clause.Name)
            {
                case "blocks":
                    blocks = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, _blocks);
                    ok &= blocks is not null;
                    break;
                case "steps":
                    steps = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, _steps);
                    ok &= steps is not null;
                    break;
                case "on":
                    ops = _selectors.ResolveOperators((OperatorsArgument)clause.Arguments[0]);
                    ok &= ops is not null;
                    break;
            }
        }
        if (ok)
            BindStatements(statement.Body!, scope.Intersect(steps, blocks, ops), inherited: null, topLevel: false);
    }

    private void BindScSection(StatementSyntax statement, Scope scope, bool topLevel)
    {
        var (header, off, ok) = _sc.BindHeader(statement, _topLevelHeader);
        if (!ok)
            return;
        if (off)
        {
            _rules.Add(new StreamRule(statement.Span, scope.Intersect(null, null, Mask(Operators.PerBlock)), ScHeader.Default, 0, null, null, 0));
            return;
        }
        if (topLevel)
            _topLevelHeader = header!;
        if (statement.Body is not null)
            BindStatements(statement.Body, scope, header, topLevel: false);
    }

    /// <summary>Restricts a rule's scope by its own blocks/steps clauses; null when a selector has errors.</summary>
    private Scope? RuleScope(StatementSyntax statement, Scope scope, bool[] ops)
    {
        bool[]? blocks = null, steps = null;
        var ok = true;
        foreach (var clause in statement.Clauses)
        {
            if (clause.Name == "blocks")
            {
                blocks = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, _blocks);
                ok &= blocks is not null;
            }
            else if (clause.Name == "steps")
            {
                steps = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, _steps);
                ok &= steps is not null;
            }
        }
        return ok ? scope.Intersect(steps, blocks, ops) : null;
    }

    private bool[]? ScOperators(StatementSyntax statement)
    {
        var opsClause = statement.Clauses.First(c => c.Keyword is null);
        var ops = _selectors.ResolveOperators((OperatorsArgument)opsClause.Arguments[0]);
        if (ops is null)
            return null;
        foreach (var name in ((OperatorsArgument)opsClause.Arguments[0]).Names)
        {
            if (Operators.TryParse(name.Text, out var op) && !Operators.IsPerBlock(op))
            {
                _sink.Report(DiagnosticCatalog.ScOnGlobalOperator, name.Span, $"SC replaces products inside the DiT blocks; '{name.Text}' runs outside them and stays a normal product");
                return null;
            }
        }
        return ops;
    }

    private void BindStreamRule(StatementSyntax statement, Scope scope, ScHeader header)
    {
        var categories = new ClauseCategories(_sink);
        var ok = true;
        foreach (var clause in statement.Clauses.Where(c => c.Keyword is not null))
            ok &= categories.Claim(clause.Name is "off" or "stream" ? "action" : clause.Name, clause);
        var ops = ScOperators(statement);
        if (ops is null || !ok)
            return;
        var streamClause = statement.Clauses.FirstOrDefault(c => c.Name == "stream");
        if (streamClause is null && statement.Clauses.All(c => c.Name != "off"))
        {
            _sink.Report(DiagnosticCatalog.SyntaxError, statement.Span, "an SC rule ends with 'stream L' or 'off'");
            return;
        }
        var stream = streamClause is null ? 0 : _sc.Stream(streamClause, header);
        var heads = BindHeads(statement, ops);
        var (groups, groupCount) = BindGroups(statement, ops);
        var ruleScope = RuleScope(statement, scope, ops);
        if (stream is null || heads.Failed || groups.Failed || ruleScope is null)
            return;
        _rules.Add(new StreamRule(statement.Span, ruleScope, header, stream.Value, heads.Mask, groups.Mask, groupCount));
    }

    private (bool[]? Mask, bool Failed) BindHeads(StatementSyntax statement, bool[] ops)
    {
        var clause = statement.Clauses.FirstOrDefault(c => c.Name == "heads");
        if (clause is null)
            return (null, false);
        var headless = Operators.PerBlock.Where(op => ops[(int)op] && !Operators.HasHeads(op)).ToList();
        if (headless.Count > 0)
        {
            _sink.Report(DiagnosticCatalog.HeadsOnHeadlessOperator, clause.Span,
                $"per-head stream lengths apply to qk and av; {string.Join(", ", headless.Select(Operators.Name))} {(headless.Count == 1 ? "has" : "have")} no heads (use 'groups … of N' for output-row groups)");
            return (null, true);
        }
        var mask = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, _heads);
        return (mask, mask is null);
    }

    private ((bool[]? Mask, bool Failed), int Count) BindGroups(StatementSyntax statement, bool[] ops)
    {
        var clause = statement.Clauses.FirstOrDefault(c => c.Name == "groups");
        if (clause is null)
            return ((null, false), 0);
        var countNumber = ((NumberArgument)clause.Arguments[2]).Number;
        var count = _sink.Integer(countNumber, 1, 1 << 16, DiagnosticCatalog.InvalidGroups, "group count");
        if (count is null)
            return ((null, true), 0);
        foreach (var op in Operators.PerBlock.Where(o => ops[(int)o]))
        {
            var rows = _model.OutputWidth(op);
            string? problem = null;
            if (!Operators.HasWeights(op))
                problem = $"output-row groups split a weight layer; {Operators.Name(op)} has none (use 'heads' for qk and av)";
            else if (rows % count.Value != 0)
                problem = $"{count} groups do not divide the {rows} output rows of {Operators.Name(op)} in {_model.Name}";
            else if (op == Operator.Qkv && count.Value % 3 != 0)
                problem = $"qkv's rows are Q, K and V in equal parts; its group count must be a multiple of 3, not {count}";
            if (problem is not null)
            {
                _sink.Report(DiagnosticCatalog.InvalidGroups, countNumber.Span, problem);
                return ((null, true), 0);
            }
            if (_groupCounts.TryGetValue(op, out var earlier) && earlier.Count != count.Value)
            {
                _sink.Report(DiagnosticCatalog.InconsistentGroupCount, countNumber.Span,
                    $"{Operators.Name(op)} is split into {earlier.Count} groups at line {earlier.Span.Line}; one operator has one group count");
                return ((null, true), 0);
            }
            _groupCounts[op] = (count.Value, countNumber.Span);
        }
        var groups = new Dimension("group", "groups", count.Value, $"a split into {count.Value}", DiagnosticCatalog.GroupOutOfRange);
        var mask = _selectors.Resolve(((SelectorArgument)clause.Arguments[0]).Selector, groups);
        return ((mask, mask is null), count.Value);
    }

    /// <summary>The clauses and operators of a row-classifying SC rule (<c>mp</c>, <c>range</c>), which takes no
    /// <c>heads</c> selector: whether its clauses are well formed, and its operators.</summary>
    private (bool Ok, bool[]? Ops) RowRuleClauses(StatementSyntax statement, string noHeadsReason)
    {
        var categories = new ClauseCategories(_sink);
        var ok = true;
        foreach (var clause in statement.Clauses.Where(c => c.Keyword is not null))
            ok &= categories.Claim(clause.Name, clause);
        var ops = ScOperators(statement);
        var heads = statement.Clauses.FirstOrDefault(c => c.Name == "heads");
        if (heads is not null)
        {
            _sink.Report(DiagnosticCatalog.HeadsOnHeadlessOperator, heads.Span, noHeadsReason);
            ok = false;
        }
        return (ok, ops);
    }

    private void BindMixedPrecision(StatementSyntax statement, Scope scope, ScHeader header)
    {
        var (ok, ops) = RowRuleClauses(statement, "mixed precision classifies rows dynamically; it takes no 'heads' selector");
        var policy = _sc.BindMixedPrecision(statement, header);
        if (ops is null || policy is null || !ok)
            return;
        var ruleScope = RuleScope(statement, scope, ops);
        if (ruleScope is not null)
            _rules.Add(new MixedPrecisionRule(statement.Span, ruleScope, policy));
    }

    private void BindRange(StatementSyntax statement, Scope scope, ScHeader header)
    {
        var (ok, ops) = RowRuleClauses(statement, "range mixed precision groups a weight's output rows; it takes no 'heads' selector");
        var policy = _sc.BindRange(statement, header);
        if (ops is not null && policy is not null)
            ok &= RangeGroupsFit(statement, ops, policy.GroupSize);
        if (ops is null || policy is null || !ok)
            return;
        var ruleScope = RuleScope(statement, scope, ops);
        if (ruleScope is not null)
            _rules.Add(new RangeRule(statement.Span, ruleScope, policy));
    }

    /// <summary>Range groups split a weight's output rows: every operator of the rule has a weight, and a group size
    /// between 1 and its rows divides them (QR0619).</summary>
    private bool RangeGroupsFit(StatementSyntax statement, bool[] ops, int groupSize)
    {
        var groupClause = statement.Clauses.First(c => c.Name == "group");
        foreach (var op in Operators.PerBlock.Where(o => ops[(int)o]))
        {
            var rows = _model.OutputWidth(op);
            string? problem = null;
            if (!Operators.HasWeights(op))
                problem = $"range mixed precision groups a weight's output rows; {Operators.Name(op)} has no weight (use 'mp' for qk and av)";
            else if (groupSize > 0 && groupSize < rows && rows % groupSize != 0)
                problem = $"group {groupSize} does not divide the {rows} output rows of {Operators.Name(op)} in {_model.Name}; use a divisor of {rows}, or 0 for one group";
            if (problem is not null)
            {
                _sink.Report(DiagnosticCatalog.InvalidRangeGroups, groupClause.Span, problem);
                return false;
            }
        }
        return true;
    }
}
