using QRecipe.Plan.Text;

namespace QRecipe.Language.Syntax;

/// <summary>A word: a keyword, an operator name, a model name such as <c>dit-xl/2</c>, or a recipe name.</summary>
public sealed record WordSyntax(string Text, SourceSpan Span);

/// <summary>A numeric literal as written. <see cref="IsInteger"/> is false when it has a fractional part;
/// <see cref="IsPercent"/> when it ends with <c>%</c>.</summary>
public sealed record NumberSyntax(string Text, double Value, bool IsInteger, bool IsPercent, SourceSpan Span)
{
    /// <summary>Largest magnitude a literal may have; larger ones are reported once by the parser (QR0006).</summary>
    public const double Limit = int.MaxValue;

    public bool IsTooLarge => !(System.Math.Abs(Value) <= Limit);
}

/// <summary>A double-quoted string with its escapes resolved.</summary>
public sealed record StringSyntax(string Value, string Text, SourceSpan Span);

/// <summary>A <c>//</c> comment; <see cref="Text"/> excludes the slashes.</summary>
public sealed record CommentSyntax(string Text, SourceSpan Span);
