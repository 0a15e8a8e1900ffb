using System;
using System.Collections.Generic;
using System.Linq;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The clauses one statement allows. Every clause starts with its own keyword, so the clause at a position is chosen
/// by the word there, read once; trying each alternative in turn (Sprache's <c>Or</c>) would give the same results
/// but build a failure for every alternative that does not apply. Where no clause applies, all alternatives fail at
/// the same place and the failure lists what each expected, in the order the clauses were declared; where one
/// applies and fails after its keyword, that deeper failure is the result.
/// </summary>
internal sealed class ClauseGrammar
{
    private const string EndOfLine = "end of line";

    /// <summary>Each keyword's argument parser; null for a flag, a clause that is just its word.</summary>
    private readonly Dictionary<string, Parser<ArgumentSyntax[]>?> _clauses = new(StringComparer.Ordinal);
    private readonly List<string> _expected = new();
    private string? _numberedPrefix;
    private string _message = "no further clauses";

    /// <summary>Clauses that are a single word, such as <c>symmetric</c>.</summary>
    public ClauseGrammar Flags(params string[] words)
    {
        foreach (var word in words)
            Add(word, null);
        Expect(words.Length == 1 ? $"expected '{words[0]}'" : "expected one of " + string.Join(", ", words), words);
        return this;
    }

    /// <summary>A keyword and its arguments, such as <c>group 128</c>.</summary>
    public ClauseGrammar With(string keyword, Parser<ArgumentSyntax[]> arguments)
    {
        Add(keyword, arguments);
        Expect($"expected '{keyword}'", keyword);
        return this;
    }

    /// <summary>A single word of the form <c>prefix</c> followed by digits, such as <c>int4</c>.</summary>
    public ClauseGrammar Numbered(string prefix, string expectation)
    {
        _numberedPrefix = prefix;
        Expect("expected " + expectation, expectation);
        return this;
    }

    private void Add(string keyword, Parser<ArgumentSyntax[]>? arguments)
    {
        if (_clauses.ContainsKey(keyword))
            throw new InvalidOperationException($"clause '{keyword}' is declared twice; clauses are chosen by their keyword");
        _clauses.Add(keyword, arguments);
    }

    private void Expect(string message, params string[] expected)
    {
        if (_expected.Count == 0)
            _message = message;
        foreach (var e in expected)
        {
            if (!_expected.Contains(e))
                _expected.Add(e);
        }
    }

    /// <summary>The clause at the input.</summary>
    public IResult<ClauseSyntax> Clause(IInput input)
    {
        var word = Word(input);
        if (word.WasSuccessful)
        {
            var keyword = word.Value;
            if (_clauses.TryGetValue(keyword.Text, out var arguments))
                return arguments is null ? Flag(word) : WithArguments(input, keyword, arguments(word.Remainder));
            if (IsNumbered(keyword.Text))
                return Flag(word);
        }
        return Result.Failure<ClauseSyntax>(input, _message, _expected);
    }

    private static IResult<ClauseSyntax> Flag(IResult<WordSyntax> word) =>
        Result.Success(new ClauseSyntax(word.Value, Array.Empty<ArgumentSyntax>(), word.Value.Span), word.Remainder);

    private static IResult<ClauseSyntax> WithArguments(IInput input, WordSyntax keyword, IResult<ArgumentSyntax[]> arguments) =>
        arguments.WasSuccessful
            ? Result.Success(new ClauseSyntax(keyword, arguments.Value, SpanOf(input, keyword.Span.Start, arguments.Remainder.Position)), arguments.Remainder)
            : Failure<ClauseSyntax, ArgumentSyntax[]>(arguments);

    private bool IsNumbered(string word)
    {
        if (_numberedPrefix is not { } prefix || word.Length <= prefix.Length || !word.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        for (var i = prefix.Length; i < word.Length; i++)
        {
            if (word[i] is < '0' or > '9')
                return false;
        }
        return true;
    }

    /// <summary>Clauses up to the end of the statement, after the given leading ones. Each position must hold a valid
    /// clause, so an error names every clause that could have stood there, plus the end of the line when the error is
    /// at the start of a clause.</summary>
    public IResult<IReadOnlyList<ClauseSyntax>> ClauseList(IReadOnlyList<ClauseSyntax> leading, IInput input)
    {
        var clauses = new List<ClauseSyntax>(leading.Count + 4);
        clauses.AddRange(leading);
        var current = input;
        while (!AtStatementEnd(current))
        {
            var next = Clause(current);
            if (!next.WasSuccessful)
            {
                var expectations = TokenStart(next.Remainder) == TokenStart(current)
                    ? next.Expectations.Concat(new[] { EndOfLine })
                    : next.Expectations;
                return Result.Failure<IReadOnlyList<ClauseSyntax>>(next.Remainder, next.Message, expectations);
            }
            clauses.Add(next.Value);
            current = next.Remainder;
        }
        return Result.Success<IReadOnlyList<ClauseSyntax>>(clauses, current);
    }
}
