using System;
using System.Collections.Generic;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>Selectors: <c>all</c>, <c>all except 0, 27</c>, <c>first 14</c>, <c>noisiest 50%</c>, <c>0..13, 20</c>.
/// Written out by hand rather than composed: selectors stand in most clauses, and composed Sprache sequences
/// build new parsers on every call.</summary>
internal static class SelectorGrammar
{
    private static readonly string[] Edges = { "first", "last", "noisiest", "cleanest" };

    /// <summary>What may start a selector, in the order the alternatives are tried.</summary>
    private static readonly string[] SelectorStarts = { "all", "first", "last", "noisiest", "cleanest", "a number" };

    private static readonly Parser<WordSyntax> Except = Keyword("except");

    /// <summary><c>all [except items]</c>, or an edge and its count, or an index list. The word read first names the
    /// one alternative that can apply; the failures are those of trying the three in turn: a deeper failure wins, and
    /// failures at the selector's start list what each alternative expected there.</summary>
    public static readonly Parser<SelectorSyntax> Selector = input =>
    {
        var word = Word(input);
        if (word.WasSuccessful && word.Value.Text == "all")
            return All(input, word.Value, word.Remainder);
        if (word.WasSuccessful && Array.IndexOf(Edges, word.Value.Text) >= 0)
            return Edge(input, word.Value, word.Remainder);
        var items = Items(input);
        if (items.WasSuccessful)
            return Result.Success<SelectorSyntax>(new ListSelectorSyntax(items.Value, SpanOf(input, items.Value[0].Span.Start, items.Remainder.Position)), items.Remainder);
        return items.Remainder.Position > input.Position
            ? Failure<SelectorSyntax, IndexItemSyntax[]>(items)
            : Result.Failure<SelectorSyntax>(input, "expected 'all'", SelectorStarts);
    };

    /// <summary>An <c>except</c> without a valid list after it is not part of the selector (it is left for the
    /// statement, which reports it).</summary>
    private static IResult<SelectorSyntax> All(IInput input, WordSyntax all, IInput afterAll)
    {
        IndexItemSyntax[]? except = null;
        var end = afterAll;
        var keyword = Except(afterAll);
        if (keyword.WasSuccessful)
        {
            var items = Items(keyword.Remainder);
            if (items.WasSuccessful)
            {
                except = items.Value;
                end = items.Remainder;
            }
        }
        return Result.Success<SelectorSyntax>(new AllSelectorSyntax(except, SpanOf(input, all.Span.Start, end.Position)), end);
    }

    private static IResult<SelectorSyntax> Edge(IInput input, WordSyntax edge, IInput afterEdge)
    {
        var count = Number(afterEdge);
        if (!count.WasSuccessful)
            return Failure<SelectorSyntax, NumberSyntax>(count);
        return Result.Success<SelectorSyntax>(new EdgeSelectorSyntax(edge, count.Value, SpanOf(input, edge.Span.Start, count.Remainder.Position)), count.Remainder);
    }

    /// <summary>A single index or an inclusive range; a <c>..</c> without a number after it is left unread.</summary>
    private static readonly Parser<IndexItemSyntax> Item = input =>
    {
        var from = Number(input);
        if (!from.WasSuccessful)
            return Failure<IndexItemSyntax, NumberSyntax>(from);
        NumberSyntax? to = null;
        var end = from.Remainder;
        if (RangeDots(end) is { } dots && Number(dots) is { WasSuccessful: true } upper)
        {
            to = upper.Value;
            end = upper.Remainder;
        }
        return Result.Success(new IndexItemSyntax(from.Value, to, SpanOf(input, from.Value.Span.Start, end.Position)), end);
    };

    public static IResult<IndexItemSyntax[]> Items(IInput input) => CommaList(input, Item);

    public static readonly Parser<OperatorsArgument> Operators = input =>
    {
        var names = CommaList(input, Word);
        if (!names.WasSuccessful)
            return Failure<OperatorsArgument, WordSyntax[]>(names);
        return Result.Success(new OperatorsArgument(names.Value, SpanOf(input, names.Value[0].Span.Start, names.Remainder.Position)), names.Remainder);
    };

    /// <summary>Comma-separated items, at least one. After a comma an item must follow; its failure is the list's.</summary>
    private static IResult<T[]> CommaList<T>(IInput input, Parser<T> item)
    {
        var first = item(input);
        if (!first.WasSuccessful)
            return Failure<T[], T>(first);
        List<T>? more = null;
        var end = first.Remainder;
        while (true)
        {
            var comma = TokenStart(end);
            if (comma >= end.Source.Length || end.Source[comma] != ',')
                break;
            var next = item(InputAt(end, comma + 1));
            if (!next.WasSuccessful)
                return Failure<T[], T>(next);
            (more ??= new List<T> { first.Value }).Add(next.Value);
            end = next.Remainder;
        }
        return Result.Success(more?.ToArray() ?? new[] { first.Value }, end);
    }
}
