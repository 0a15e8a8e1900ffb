using System.Collections.Generic;
using System.Linq;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>Selectors: <c>all</c>, <c>all except 0, 27</c>, <c>first 14</c>, <c>noisiest 50%</c>, <c>0..13, 20</c>.</summary>
internal static class SelectorGrammar
{
    private static readonly Parser<IndexItemSyntax> Item =
        from start in Here
        from first in Number
        from to in RangeDots.Then(_ => Number).Optional()
        from end in Mark
        select new IndexItemSyntax(first, to.GetOrDefault(), SpanOf(start, end));

    public static readonly Parser<IReadOnlyList<IndexItemSyntax>> Items = CommaList(Item);

    private static readonly Parser<SelectorSyntax> All =
        from start in Here
        from all in Keyword("all")
        from except in Keyword("except").Then(_ => Items).Optional()
        from end in Mark
        select (SelectorSyntax)new AllSelectorSyntax(except.GetOrDefault(), SpanOf(start, end));

    private static readonly Parser<SelectorSyntax> Edge =
        from start in Here
        from edge in OneOf("first", "last", "noisiest", "cleanest")
        from count in Number
        from end in Mark
        select (SelectorSyntax)new EdgeSelectorSyntax(edge, count, SpanOf(start, end));

    private static readonly Parser<SelectorSyntax> List =
        from start in Here
        from items in Items
        from end in Mark
        select (SelectorSyntax)new ListSelectorSyntax(items, SpanOf(start, end));

    public static readonly Parser<SelectorSyntax> Selector = All.Or(Edge).Or(List);

    public static readonly Parser<OperatorsArgument> Operators =
        from start in Here
        from names in CommaList(Word)
        from end in Mark
        select new OperatorsArgument(names.ToArray(), SpanOf(start, end));
}
