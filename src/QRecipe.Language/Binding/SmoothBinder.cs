using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;

namespace QRecipe.Language.Binding;

/// <summary>Binds <c>smooth smoothquant|ditas …</c> statements.</summary>
internal sealed class SmoothBinder
{
    /// <summary>The four layers DiTAS smooths when a statement names none.</summary>
    public static readonly IReadOnlyList<Operator> DefaultOperators = new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 };

    private const int MaxSearchPoints = 1000;

    private readonly DiagnosticSink _sink;

    public SmoothBinder(DiagnosticSink sink) => _sink = sink;

    public SmoothSetting? Bind(StatementSyntax statement)
    {
        var method = statement.Clauses[0].Name == "ditas" ? SmoothMethod.Ditas : SmoothMethod.SmoothQuant;
        var categories = new ClauseCategories(_sink);
        double? alpha = null;
        AlphaSearch? search = null;
        int? rank = null;
        int? iterations = null;
        ClauseSyntax? iterationsClause = null;
        var ok = true;
        foreach (var clause in statement.Clauses.Skip(1))
        {
            ok &= categories.Claim(clause.Name, clause);
            switch (clause.Name)
            {
                case "alpha" when clause.Arguments.Count == 1:
                    alpha = _sink.Real(((NumberArgument)clause.Arguments[0]).Number, 0, 1, DiagnosticCatalog.AlphaOutOfRange, "alpha");
                    ok &= alpha is not null;
                    break;
                case "alpha":
                    if (method != SmoothMethod.Ditas)
                    {
                        _sink.Report(DiagnosticCatalog.DitasOnlyOption, clause.Span, "SmoothQuant uses one fixed alpha; the per-layer alpha search is DiTAS's ('smooth ditas')");
                        ok = false;
                        break;
                    }
                    search = BindSearch(clause);
                    ok &= search is not null;
                    break;
                case "lowrank" or "iterations":
                    if (method != SmoothMethod.Ditas)
                    {
                        _sink.Report(DiagnosticCatalog.DitasOnlyOption, clause.Span, $"'{clause.Name}' configures DiTAS's low-rank compensation; use 'smooth ditas'");
                        ok = false;
                        break;
                    }
                    var number = ((NumberArgument)clause.Arguments[0]).Number;
                    if (clause.Name == "lowrank")
                    {
                        rank = _sink.Integer(number, 1, 4096, DiagnosticCatalog.InvalidLowRank, "low-rank rank");
                        ok &= rank is not null;
                    }
                    else
                    {
                        iterationsClause = clause;
                        iterations = _sink.Integer(number, 1, 1000, DiagnosticCatalog.InvalidLowRank, "low-rank iterations");
                        ok &= iterations is not null;
                    }
                    break;
            }
        }
        if (alpha is null && search is null && ok)
        {
            _sink.Report(DiagnosticCatalog.MissingAlpha, statement.Clauses[0].Span,
                method == SmoothMethod.Ditas ? "DiTAS smoothing needs 'alpha A' or 'alpha search 0..1 by 0.05'" : "SmoothQuant needs 'alpha A' (0..1; 0.5 is the usual start)");
            return null;
        }
        if (iterationsClause is not null && rank is null && ok)
        {
            _sink.Report(DiagnosticCatalog.InvalidLowRank, iterationsClause.Span, "'iterations' sets the low-rank compensation; add 'lowrank R' (DiTAS uses 32)");
            return null;
        }
        if (!ok)
            return null;
        var lowRank = rank is null ? null : new LowRank(rank.Value, iterations ?? LowRank.DefaultIterations);
        return new SmoothSetting(method, alpha ?? 0, search, lowRank);
    }

    private AlphaSearch? BindSearch(ClauseSyntax clause)
    {
        var interval = (IntervalArgument)clause.Arguments[1];
        var stepNumber = ((NumberArgument)clause.Arguments[3]).Number;
        var from = _sink.Real(interval.From, 0, 1, DiagnosticCatalog.AlphaOutOfRange, "alpha search start");
        var to = _sink.Real(interval.To, 0, 1, DiagnosticCatalog.AlphaOutOfRange, "alpha search end");
        var step = _sink.Real(stepNumber, 0, 1, DiagnosticCatalog.InvalidAlphaSearch, "alpha search step");
        if (from is null || to is null || step is null)
            return null;
        if (to < from)
        {
            _sink.Report(DiagnosticCatalog.InvalidAlphaSearch, interval.Span, $"alpha search {interval.From.Text}..{interval.To.Text} is reversed");
            return null;
        }
        if (step <= 0 || (to - from) / step > MaxSearchPoints)
        {
            _sink.Report(DiagnosticCatalog.InvalidAlphaSearch, stepNumber.Span, $"alpha search step {stepNumber.Text} must be positive and give at most {MaxSearchPoints} grid points");
            return null;
        }
        return new AlphaSearch(from.Value, to.Value, step.Value);
    }
}
