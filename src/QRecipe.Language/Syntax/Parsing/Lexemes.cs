using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using QRecipe.Language.Text;
using Sprache;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The tokens of the language as Sprache parsers. Statements are line-oriented, so every token skips spaces and
/// tabs before it but never a newline. Failures carry the expected token names, which feed "did you mean".
/// </summary>
internal static class Lexemes
{
    public static bool IsWordStart(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_';

    public static bool IsWordPart(char c) => IsWordStart(c) || char.IsDigit(c) && c < 128 || c is '-' or '/';

    public static bool IsHorizontalSpace(char c) => c is ' ' or '\t';

    /// <summary>Where a statement may end: end of line, <c>;</c>, a brace, a comment, or the end of the text.</summary>
    public static bool IsStatementEnd(string text, int position) =>
        position >= text.Length
        || text[position] is '\n' or '\r' or ';' or '{' or '}'
        || text[position] == '/' && position + 1 < text.Length && text[position + 1] == '/';

    public static TextInput SkipSpaces(IInput input)
    {
        var text = (TextInput)input;
        var position = text.Position;
        while (position < text.Source.Length && IsHorizontalSpace(text.Source[position]))
            position++;
        return position == text.Position ? text : new TextInput(text.Text, position);
    }

    public static SourceSpan SpanOf(IInput start, IInput end) => ((TextInput)start).Text.Span(start.Position, end.Position);

    /// <summary>Where the next token starts (after spaces), consuming nothing: the start of a span.</summary>
    public static readonly Parser<IInput> Here = input => Result.Success<IInput>(SkipSpaces(input), input);

    /// <summary>The exact current position, consuming nothing: the end of a span.</summary>
    public static readonly Parser<IInput> Mark = input => Result.Success(input, input);

    /// <summary>The word at the input (after spaces). The result is kept on the input: a clause list tries many
    /// alternatives at one position and each reads the same word first.</summary>
    public static readonly Parser<WordSyntax> Word = input =>
    {
        var text = (TextInput)input;
        return text.WordResult ??= ReadWord(text);
    };

    private static IResult<WordSyntax> ReadWord(TextInput input)
    {
        var start = SkipSpaces(input);
        var text = start.Source;
        var position = start.Position;
        if (position >= text.Length || !IsWordStart(text[position]))
            return Result.Failure<WordSyntax>(input, "expected a word", new[] { "a word" });
        var end = position + 1;
        while (end < text.Length && IsWordPart(text[end]))
            end++;
        var after = new TextInput(start.Text, end);
        return Result.Success(new WordSyntax(text.Substring(position, end - position), SpanOf(start, after)), after);
    }

    /// <summary>A specific keyword; fails naming it as expected, so the error lists the alternatives.</summary>
    public static Parser<WordSyntax> Keyword(string keyword)
    {
        // Built once per parser, not per failure: failed alternatives are the common case in a clause list.
        var message = $"expected '{keyword}'";
        var expected = new[] { keyword };
        return input =>
        {
            var word = Word(input);
            if (word.WasSuccessful && word.Value.Text == keyword)
                return word;
            return Result.Failure<WordSyntax>(input, message, expected);
        };
    }

    /// <summary>Any one of the given keywords.</summary>
    public static Parser<WordSyntax> OneOf(params string[] keywords)
    {
        var message = "expected one of " + string.Join(", ", keywords);
        return input =>
        {
            var word = Word(input);
            if (word.WasSuccessful && keywords.Contains(word.Value.Text))
                return word;
            return Result.Failure<WordSyntax>(input, message, keywords);
        };
    }

    /// <summary>A word of the form <c>prefix</c> followed by digits, such as <c>int4</c>.</summary>
    public static Parser<WordSyntax> PrefixedNumber(string prefix, string expectation)
    {
        var message = "expected " + expectation;
        var expected = new[] { expectation };
        return input =>
        {
            var word = Word(input);
            if (word.WasSuccessful && word.Value.Text.Length > prefix.Length && word.Value.Text.StartsWith(prefix, System.StringComparison.Ordinal)
                && word.Value.Text.Skip(prefix.Length).All(c => c is >= '0' and <= '9'))
                return word;
            return Result.Failure<WordSyntax>(input, message, expected);
        };
    }

    public static readonly Parser<NumberSyntax> Number = input =>
    {
        var start = SkipSpaces(input);
        var text = start.Source;
        var position = start.Position;
        var end = position;
        if (end < text.Length && text[end] == '-')
            end++;
        var digitsStart = end;
        while (end < text.Length && text[end] is >= '0' and <= '9')
            end++;
        if (end == digitsStart)
            return Result.Failure<NumberSyntax>(input, "expected a number", new[] { "a number" });
        var isInteger = true;
        // A '.' starts a fraction only when a digit follows: "0..3" is a range, not 0. followed by .3
        if (end + 1 < text.Length && text[end] == '.' && text[end + 1] is >= '0' and <= '9')
        {
            isInteger = false;
            end++;
            while (end < text.Length && text[end] is >= '0' and <= '9')
                end++;
        }
        var literal = text.Substring(position, end - position);
        var isPercent = end < text.Length && text[end] == '%';
        if (isPercent)
            end++;
        if (end < text.Length && IsWordStart(text[end]))
            return Result.Failure<NumberSyntax>(input, "expected a number", new[] { "a number" });
        var value = double.Parse(literal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var after = new TextInput(start.Text, end);
        return Result.Success(new NumberSyntax(text.Substring(position, end - position), value, isInteger, isPercent, SpanOf(start, after)), after);
    };

    public static readonly Parser<StringSyntax> String = input =>
    {
        var start = SkipSpaces(input);
        var text = start.Source;
        var position = start.Position;
        if (position >= text.Length || text[position] != '"')
            return Result.Failure<StringSyntax>(input, "expected a string", new[] { "a \"string\"" });
        var value = new StringBuilder();
        var end = position + 1;
        while (end < text.Length && text[end] is not ('"' or '\n' or '\r'))
        {
            if (text[end] == '\\' && end + 1 < text.Length && text[end + 1] is '"' or '\\')
                end++;
            value.Append(text[end]);
            end++;
        }
        if (end >= text.Length || text[end] != '"')
            return Result.Failure<StringSyntax>(start, "unterminated string", new[] { "a closing '\"'" });
        var after = new TextInput(start.Text, end + 1);
        return Result.Success(new StringSyntax(value.ToString(), text.Substring(position, end + 1 - position), SpanOf(start, after)), after);
    };

    public static Parser<char> Symbol(char symbol)
    {
        var message = $"expected '{symbol}'";
        var expected = new[] { $"'{symbol}'" };
        return input =>
        {
            var start = SkipSpaces(input);
            if (!start.AtEnd && start.Current == symbol)
                return Result.Success(symbol, start.Advance());
            return Result.Failure<char>(input, message, expected);
        };
    }

    public static readonly Parser<string> RangeDots = input =>
    {
        var start = SkipSpaces(input);
        var text = start.Source;
        if (start.Position + 1 < text.Length && text[start.Position] == '.' && text[start.Position + 1] == '.')
            return Result.Success("..", new TextInput(start.Text, start.Position + 2));
        return Result.Failure<string>(input, "expected '..'", new[] { "'..'" });
    };

    /// <summary>Succeeds, consuming nothing, where a statement ends.</summary>
    public static readonly Parser<IInput> StatementEnd = input =>
    {
        var start = SkipSpaces(input);
        return IsStatementEnd(start.Source, start.Position)
            ? Result.Success<IInput>(start, start)
            : Result.Failure<IInput>(input, "expected the end of the statement", new[] { "end of line" });
    };

    /// <summary>Comma-separated items, at least one.</summary>
    public static Parser<IReadOnlyList<T>> CommaList<T>(Parser<T> item) =>
        from first in item
        from rest in Symbol(',').Then(_ => item).XMany()
        select (IReadOnlyList<T>)new[] { first }.Concat(rest).ToArray();
}
