using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Text;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>What a selector counts: its unit, how many there are, and the diagnostic for an index outside.</summary>
internal sealed record Dimension(string Unit, string Plural, int Count, string Owner, DiagnosticDescriptor OutOfRange, bool IsSteps = false);

/// <summary>Turns selectors into membership masks and operator lists into operator masks.</summary>
internal sealed class SelectorBinder
{
    private static readonly string[] OperatorWords =
        Operators.All.Select(Operators.Name).Concat(Operators.Groups.Keys).ToArray();

    private readonly DiagnosticSink _sink;

    public SelectorBinder(DiagnosticSink sink) => _sink = sink;

    /// <summary>The selected indices as a mask, or null when the selector has errors.</summary>
    public bool[]? Resolve(SelectorSyntax selector, Dimension dimension)
    {
        var mask = selector switch
        {
            AllSelectorSyntax all => ResolveAll(all, dimension),
            ListSelectorSyntax list => ResolveItems(list.Items, dimension, countAgainstLimit: dimension.Unit == "head"),
            EdgeSelectorSyntax edge => ResolveEdge(edge, dimension),
            _ => throw new ArgumentOutOfRangeException(nameof(selector)),
        };
        if (mask is not null && !mask.Contains(true) && selector is not EdgeSelectorSyntax)
            _sink.Report(DiagnosticCatalog.EmptySelection, selector.Span, $"this selects no {dimension.Unit}");
        return mask;
    }

    private bool[]? ResolveAll(AllSelectorSyntax all, Dimension dimension)
    {
        var mask = Enumerable.Repeat(true, dimension.Count).ToArray();
        if (all.Except is null)
            return mask;
        var excluded = ResolveItems(all.Except, dimension, countAgainstLimit: false);
        if (excluded is null)
            return null;
        for (var i = 0; i < mask.Length; i++)
            mask[i] = !excluded[i];
        return mask;
    }

    private bool[]? ResolveItems(IReadOnlyList<IndexItemSyntax> items, Dimension dimension, bool countAgainstLimit)
    {
        var mask = new bool[dimension.Count];
        var ok = true;
        var listed = 0;
        foreach (var item in items)
        {
            var from = Index(item.From, dimension);
            var to = item.To is null ? from : Index(item.To, dimension);
            if (from is null || to is null)
            {
                ok = false;
                continue;
            }
            if (to < from)
            {
                _sink.Report(DiagnosticCatalog.ReversedRange, item.Span, $"range {item.From.Text}..{item.To!.Text} is reversed; write {item.To.Text}..{item.From.Text}");
                ok = false;
                continue;
            }
            for (var i = from.Value; i <= to.Value; i++)
            {
                if (mask[i])
                    _sink.Report(DiagnosticCatalog.DuplicateIndex, item.Span, $"{dimension.Unit} {i} is listed more than once");
                mask[i] = true;
                listed++;
            }
        }
        if (countAgainstLimit && listed > dimension.Count)
        {
            var span = Covering(items);
            _sink.Report(DiagnosticCatalog.TooManyHeads, span, $"{listed} {dimension.Plural} listed but {dimension.Owner} has {dimension.Count}");
            return null;
        }
        return ok ? mask : null;
    }

    private static SourceSpan Covering(IReadOnlyList<IndexItemSyntax> items)
    {
        var first = items[0].Span;
        var last = items[items.Count - 1].Span;
        return new SourceSpan(first.Start, last.End - first.Start, first.Line, first.Column, last.EndLine, last.EndColumn);
    }

    private int? Index(NumberSyntax number, Dimension dimension)
    {
        if (number.IsTooLarge || number.IsPercent || !number.IsInteger || number.Value < 0 || number.Value >= dimension.Count)
        {
            if (number.IsTooLarge)
                _sink.Report(DiagnosticCatalog.NumberOutOfRange, number.Span, $"{dimension.Unit} {number.Text} is too large; no literal may exceed {NumberSyntax.Limit:0} ({dimension.Owner} has {dimension.Count} {dimension.Plural}, 0..{dimension.Count - 1})");
            else if (number.IsPercent)
                _sink.Report(DiagnosticCatalog.SyntaxError, number.Span, $"{number.Text} is a percentage; percentages go after 'first', 'last'{(dimension.IsSteps ? ", 'noisiest' or 'cleanest'" : string.Empty)}");
            else
                _sink.Report(dimension.OutOfRange, number.Span, $"{dimension.Unit} {number.Text} is outside {dimension.Owner}'s {dimension.Count} {dimension.Plural} (0..{dimension.Count - 1})");
            return null;
        }
        return (int)number.Value;
    }

    private bool[]? ResolveEdge(EdgeSelectorSyntax edge, Dimension dimension)
    {
        if (!dimension.IsSteps && edge.Edge.Text is "noisiest" or "cleanest")
        {
            _sink.Report(DiagnosticCatalog.SyntaxError, edge.Edge.Span, $"'{edge.Edge.Text}' selects sampling steps; for {dimension.Plural} use '{(edge.FromStart ? "first" : "last")}'");
            return null;
        }
        var count = EdgeCount(edge, dimension);
        if (count is null)
            return null;
        var mask = new bool[dimension.Count];
        for (var i = 0; i < count.Value; i++)
            mask[edge.FromStart ? i : dimension.Count - 1 - i] = true;
        return mask;
    }

    /// <summary>How many indices first/last selects. Percentages floor like scmp's *layerwise and timewise flags:
    /// first P% of B blocks is the first ⌊(P/100)·B⌋.</summary>
    private int? EdgeCount(EdgeSelectorSyntax edge, Dimension dimension)
    {
        var number = edge.Count;
        if (number.IsPercent)
        {
            var percent = _sink.Real(number with { IsPercent = false }, 0, 100, DiagnosticCatalog.PercentOutOfRange, "percentage");
            if (percent is null)
                return null;
            var count = (int)Math.Floor(percent.Value / 100.0 * dimension.Count);
            if (count == 0)
            {
                var smallest = (int)Math.Ceiling(100.0 / dimension.Count);
                _sink.Report(DiagnosticCatalog.EmptySelection, edge.Span,
                    $"{edge.Edge.Text} {number.Text} of {dimension.Count} {dimension.Plural} selects none (floor of {DiagnosticSink.Format(percent.Value / 100.0 * dimension.Count)}); the smallest percentage that selects one is {smallest}%");
            }
            return count;
        }
        if (number.IsInteger && number.Value > dimension.Count && !number.IsTooLarge)
        {
            _sink.Report(DiagnosticCatalog.CountOutOfRange, number.Span, $"{edge.Edge.Text} {number.Text} asks for more than the {dimension.Count} {dimension.Plural} of {dimension.Owner}");
            return null;
        }
        var n = _sink.Integer(number, 0, dimension.Count, DiagnosticCatalog.CountOutOfRange, "count");
        if (n == 0)
            _sink.Report(DiagnosticCatalog.EmptySelection, edge.Span, $"{edge.Edge.Text} 0 selects no {dimension.Unit}");
        return n;
    }

    /// <summary>The operators named by a list of operator and group names, as a mask over <see cref="Operator"/>.</summary>
    public bool[]? ResolveOperators(OperatorsArgument names)
    {
        var mask = new bool[Operators.All.Count];
        var ok = true;
        foreach (var name in names.Names)
        {
            IReadOnlyList<Operator> ops;
            if (Operators.TryParse(name.Text, out var op))
                ops = new[] { op };
            else if (Operators.Groups.TryGetValue(name.Text, out var group))
                ops = group;
            else
            {
                _sink.Report(DiagnosticCatalog.UnknownOperator, name.Span,
                    $"unknown operator '{name.Text}'{Suggestions.DidYouMean(name.Text, OperatorWords)}; operators are {string.Join(", ", Operators.All.Select(Operators.Name))} and the groups {string.Join(", ", Operators.Groups.Keys)}");
                ok = false;
                continue;
            }
            // Either order counts: 'attn, qkv' repeats qkv, and so does 'qkv, attn'.
            var repeated = ops.Where(o => mask[(int)o]).Select(Operators.Name).ToList();
            if (repeated.Count > 0)
                _sink.Report(DiagnosticCatalog.DuplicateOperator, name.Span, $"'{name.Text}' repeats {string.Join(", ", repeated)}, already covered by this list");
            foreach (var o in ops)
                mask[(int)o] = true;
        }
        return ok ? mask : null;
    }
}
