using System.Collections.Generic;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Syntax;

/// <summary>An argument of a clause.</summary>
public abstract record ArgumentSyntax(SourceSpan Span);

public sealed record NumberArgument(NumberSyntax Number) : ArgumentSyntax(Number.Span);

public sealed record WordArgument(WordSyntax Word) : ArgumentSyntax(Word.Span);

public sealed record StringArgument(StringSyntax String) : ArgumentSyntax(String.Span);

/// <summary>A comma-separated list of operator or group names.</summary>
public sealed record OperatorsArgument(IReadOnlyList<WordSyntax> Names, SourceSpan Span) : ArgumentSyntax(Span);

public sealed record SelectorArgument(SelectorSyntax Selector) : ArgumentSyntax(Selector.Span);

/// <summary>A closed numeric interval <c>lo..hi</c> (the alpha search grid).</summary>
public sealed record IntervalArgument(NumberSyntax From, NumberSyntax To, SourceSpan Span) : ArgumentSyntax(Span);

/// <summary>
/// One clause of a statement: a keyword followed by its arguments, e.g. <c>group 128</c>, <c>blocks first 14</c>,
/// <c>levels 256 128 64</c>, <c>symmetric</c>, <c>int4</c>. The operator list that starts an SC rule is a clause
/// without keyword.
/// </summary>
public sealed record ClauseSyntax(WordSyntax? Keyword, IReadOnlyList<ArgumentSyntax> Arguments, SourceSpan Span)
{
    public string Name => Keyword?.Text ?? string.Empty;
}
