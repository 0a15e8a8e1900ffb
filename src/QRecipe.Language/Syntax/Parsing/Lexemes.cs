using System;
using System.Globalization;
using System.Text;
using QRecipe.Plan.Text;
using Sprache;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The tokens of the language as Sprache parsers. Statements are line-oriented, so every token skips spaces and
/// tabs before it but never a newline. Failures carry the expected token names, which feed "did you mean". The
/// parsers work on offsets and allocate only the token, its remainder and the result: they run for every token of
/// every recipe.
/// </summary>
internal static class Lexemes
{
    public static bool IsWordStart(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_';

    public static bool IsWordPart(char c) => IsWordStart(c) || char.IsDigit(c) && c < 128 || c is '-' or '/';

    public static bool IsHorizontalSpace(char c) => c is ' ' or '\t';

    /// <summary>Where a statement may end: end of line, <c>;</c>, a brace, a comment, or the end of the text.</summary>
    private static bool IsStatementEnd(string text, int position) =>
        position >= text.Length
        || text[position] is '\n' or '\r' or ';' or '{' or '}'
        || text[position] == '/' && position + 1 < text.Length && text[position + 1] == '/';

    /// <summary>Where the next token starts: the input's offset after spaces and tabs.</summary>
    public static int TokenStart(IInput input)
    {
        var text = input.Source;
        var position = input.Position;
        while (position < text.Length && IsHorizontalSpace(text[position]))
            position++;
        return position;
    }

    /// <summary>Whether the statement ends at the input (after spaces); consumes nothing.</summary>
    public static bool AtStatementEnd(IInput input) => IsStatementEnd(input.Source, TokenStart(input));

    public static TextInput InputAt(IInput input, int position) => new(((TextInput)input).Text, position);

    public static SourceSpan SpanOf(IInput input, int start, int end) => ((TextInput)input).Text.Span(start, end);

    /// <summary>A failure of another parser, retyped so a sequence can pass it on unchanged.</summary>
    public static IResult<T> Failure<T, TFrom>(IResult<TFrom> failure) =>
        Result.Failure<T>(failure.Remainder, failure.Message, failure.Expectations);

    private static readonly string[] AWord = { "a word" };
    private static readonly string[] ANumber = { "a number" };
    private static readonly string[] AString = { "a \"string\"" };
    private static readonly string[] AClosingQuote = { "a closing '\"'" };
    private static readonly string[] Dots = { "'..'" };

    /// <summary>The word at the input (after spaces). The result is kept on the input: the parsers that may stand at
    /// one position (an optional <c>except</c>, then the next clause) each read the same word first.</summary>
    public static readonly Parser<WordSyntax> Word = input =>
    {
        var text = (TextInput)input;
        return text.WordResult ??= ReadWord(text);
    };

    private static IResult<WordSyntax> ReadWord(TextInput input)
    {
        var text = input.Source;
        var start = TokenStart(input);
        if (start >= text.Length || !IsWordStart(text[start]))
            return Result.Failure<WordSyntax>(input, "expected a word", AWord);
        var end = start + 1;
        while (end < text.Length && IsWordPart(text[end]))
            end++;
        return Result.Success(new WordSyntax(text.Substring(start, end - start), SpanOf(input, start, end)), InputAt(input, end));
    }

    /// <summary>A specific keyword; fails naming it as expected, so the error lists the alternatives.</summary>
    public static Parser<WordSyntax> Keyword(string keyword) => OneOf(keyword);

    /// <summary>Any one of the given keywords.</summary>
    public static Parser<WordSyntax> OneOf(params string[] keywords)
    {
        // Built once per parser, not per failure.
        var message = keywords.Length == 1 ? $"expected '{keywords[0]}'" : "expected one of " + string.Join(", ", keywords);
        return input =>
        {
            var word = Word(input);
            if (word.WasSuccessful && Array.IndexOf(keywords, word.Value.Text) >= 0)
                return word;
            return Result.Failure<WordSyntax>(input, message, keywords);
        };
    }

    public static readonly Parser<NumberSyntax> Number = input =>
    {
        var text = input.Source;
        var start = TokenStart(input);
        var end = start;
        if (end < text.Length && text[end] == '-')
            end++;
        var digitsStart = end;
        while (end < text.Length && text[end] is >= '0' and <= '9')
            end++;
        if (end == digitsStart)
            return Result.Failure<NumberSyntax>(input, "expected a number", ANumber);
        var isInteger = true;
        // A '.' starts a fraction only when a digit follows: "0..3" is a range, not 0. followed by .3
        if (end + 1 < text.Length && text[end] == '.' && text[end + 1] is >= '0' and <= '9')
        {
            isInteger = false;
            end++;
            while (end < text.Length && text[end] is >= '0' and <= '9')
                end++;
        }
        var literalEnd = end;
        var isPercent = end < text.Length && text[end] == '%';
        if (isPercent)
            end++;
        if (end < text.Length && IsWordStart(text[end]))
            return Result.Failure<NumberSyntax>(input, "expected a number", ANumber);
        var written = text.Substring(start, end - start);
        var literal = isPercent ? written.Substring(0, literalEnd - start) : written;
        var value = double.Parse(literal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return Result.Success(new NumberSyntax(written, value, isInteger, isPercent, SpanOf(input, start, end)), InputAt(input, end));
    };

    public static readonly Parser<StringSyntax> String = input =>
    {
        var text = input.Source;
        var start = TokenStart(input);
        if (start >= text.Length || text[start] != '"')
            return Result.Failure<StringSyntax>(input, "expected a string", AString);
        var value = new StringBuilder();
        var end = start + 1;
        while (end < text.Length && text[end] is not ('"' or '\n' or '\r'))
        {
            if (text[end] == '\\' && end + 1 < text.Length && text[end + 1] is '"' or '\\')
                end++;
            value.Append(text[end]);
            end++;
        }
        if (end >= text.Length || text[end] != '"')
            return Result.Failure<StringSyntax>(InputAt(input, start), "unterminated string", AClosingQuote);
        return Result.Success(new StringSyntax(value.ToString(), text.Substring(start, end + 1 - start), SpanOf(input, start, end + 1)), InputAt(input, end + 1));
    };

    public static Parser<char> Symbol(char symbol)
    {
        var message = $"expected '{symbol}'";
        var expected = new[] { $"'{symbol}'" };
        return input =>
        {
            var start = TokenStart(input);
            if (start < input.Source.Length && input.Source[start] == symbol)
                return Result.Success(symbol, InputAt(input, start + 1));
            return Result.Failure<char>(input, message, expected);
        };
    }

    /// <summary>The <c>..</c> of a range; null where there is none (ranges are optional wherever they appear).</summary>
    public static TextInput? RangeDots(IInput input)
    {
        var start = TokenStart(input);
        var text = input.Source;
        return start + 1 < text.Length && text[start] == '.' && text[start + 1] == '.' ? InputAt(input, start + 2) : null;
    }

    /// <summary>The failure of a range's <c>..</c>, for the one place a range is required.</summary>
    public static IResult<T> ExpectedDots<T>(IInput input) => Result.Failure<T>(input, "expected '..'", Dots);
}
