using System.Collections.Generic;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Syntax;

/// <summary>One element of an index list: a single index or an inclusive range <c>i..j</c>.</summary>
public sealed record IndexItemSyntax(NumberSyntax From, NumberSyntax? To, SourceSpan Span)
{
    public bool IsRange => To is not null;
}

/// <summary>Selects indices along one dimension (blocks, steps, heads or groups).</summary>
public abstract record SelectorSyntax(SourceSpan Span);

/// <summary><c>all</c>, or <c>all except …</c> when <see cref="Except"/> is set.</summary>
public sealed record AllSelectorSyntax(IReadOnlyList<IndexItemSyntax>? Except, SourceSpan Span) : SelectorSyntax(Span);

/// <summary><c>3</c>, <c>0..13</c>, <c>0, 27</c>, <c>0..3, 10</c>.</summary>
public sealed record ListSelectorSyntax(IReadOnlyList<IndexItemSyntax> Items, SourceSpan Span) : SelectorSyntax(Span);

/// <summary><c>first N</c>, <c>last P%</c>, <c>noisiest P%</c>, <c>cleanest N</c>.</summary>
public sealed record EdgeSelectorSyntax(WordSyntax Edge, NumberSyntax Count, SourceSpan Span) : SelectorSyntax(Span)
{
    /// <summary>Whether the selection starts at index 0 (first, noisiest) rather than at the end.</summary>
    public bool FromStart => Edge.Text is "first" or "noisiest";
}
