using System;
using System.Collections.Generic;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The arguments that follow a clause's keyword. Each parser is written out as one function rather than composed
/// with Sprache's query syntax, whose <c>SelectMany</c> builds new parsers and closures on every call; failures are
/// the ones the composed sequence would give (the first part that fails, where it fails).
/// </summary>
internal static class ArgumentGrammar
{
    public static readonly Parser<ArgumentSyntax[]> Number = One(Lexemes.Number, n => new NumberArgument(n));

    public static readonly Parser<ArgumentSyntax[]> Selector = One(SelectorGrammar.Selector, s => new SelectorArgument(s));

    public static readonly Parser<ArgumentSyntax[]> Operators = One(SelectorGrammar.Operators, o => o);

    /// <summary>One of the given words.</summary>
    public static Parser<ArgumentSyntax[]> Word(params string[] words) => One(OneOf(words), w => new WordArgument(w));

    /// <summary>A number, or else the given word (<c>precision auto</c>).</summary>
    public static Parser<ArgumentSyntax[]> NumberOr(string word)
    {
        var keyword = Keyword(word);
        var expected = new[] { "a number", word };
        return input =>
        {
            var number = Number(input);
            if (number.WasSuccessful)
                return number;
            var other = keyword(input);
            return other.WasSuccessful
                ? Result.Success(new ArgumentSyntax[] { new WordArgument(other.Value) }, other.Remainder)
                : Result.Failure<ArgumentSyntax[]>(input, number.Message, expected);
        };
    }

    /// <summary>One number or more (<c>levels 256 128 64</c>).</summary>
    public static readonly Parser<ArgumentSyntax[]> Numbers = input =>
    {
        var first = Number(input);
        if (!first.WasSuccessful)
            return first;
        var numbers = new List<ArgumentSyntax>(first.Value);
        var end = first.Remainder;
        for (var next = Lexemes.Number(end); next.WasSuccessful; next = Lexemes.Number(end))
        {
            numbers.Add(new NumberArgument(next.Value));
            end = next.Remainder;
        }
        return Result.Success(numbers.ToArray(), end);
    };

    private static readonly Parser<WordSyntax> Search = Keyword("search");

    private static readonly Parser<WordSyntax> By = Keyword("by");

    private static readonly string[] SearchOrNumber = { "search", "a number" };

    /// <summary><c>search lo..hi by step</c>, or a single number.</summary>
    public static readonly Parser<ArgumentSyntax[]> Alpha = input =>
    {
        var search = Search(input);
        if (search.WasSuccessful)
            return AlphaSearch(search);
        var value = Number(input);
        return value.WasSuccessful ? value : Result.Failure<ArgumentSyntax[]>(input, search.Message, SearchOrNumber);
    };

    private static IResult<ArgumentSyntax[]> AlphaSearch(IResult<WordSyntax> search)
    {
        var lo = Lexemes.Number(search.Remainder);
        if (!lo.WasSuccessful)
            return Failure<ArgumentSyntax[], NumberSyntax>(lo);
        if (RangeDots(lo.Remainder) is not { } dots)
            return ExpectedDots<ArgumentSyntax[]>(lo.Remainder);
        var hi = Lexemes.Number(dots);
        if (!hi.WasSuccessful)
            return Failure<ArgumentSyntax[], NumberSyntax>(hi);
        var by = By(hi.Remainder);
        if (!by.WasSuccessful)
            return Failure<ArgumentSyntax[], WordSyntax>(by);
        var step = Lexemes.Number(by.Remainder);
        if (!step.WasSuccessful)
            return Failure<ArgumentSyntax[], NumberSyntax>(step);
        var interval = new IntervalArgument(lo.Value, hi.Value, SpanOf(dots, lo.Value.Span.Start, hi.Remainder.Position));
        return Result.Success(
            new ArgumentSyntax[] { new WordArgument(search.Value), interval, new WordArgument(by.Value), new NumberArgument(step.Value) },
            step.Remainder);
    }

    private static readonly Parser<WordSyntax> NoiseKind = OneOf("local", "global");

    /// <summary>Any number of <c>local|global coefficient</c> pairs; a pair that does not parse ends the list and is
    /// left for the statement, which reports it.</summary>
    public static readonly Parser<ArgumentSyntax[]> Noise = input =>
    {
        var pairs = new List<ArgumentSyntax>();
        var end = input;
        while (true)
        {
            var kind = NoiseKind(end);
            var value = kind.WasSuccessful ? Lexemes.Number(kind.Remainder) : null;
            if (value is not { WasSuccessful: true })
                return Result.Success(pairs.ToArray(), end);
            pairs.Add(new WordArgument(kind.Value));
            pairs.Add(new NumberArgument(value.Value));
            end = value.Remainder;
        }
    };

    private static readonly Parser<WordSyntax> Of = Keyword("of");

    /// <summary><c>groups selector of count</c>.</summary>
    public static readonly Parser<ArgumentSyntax[]> Groups = input =>
    {
        var selector = SelectorGrammar.Selector(input);
        if (!selector.WasSuccessful)
            return Failure<ArgumentSyntax[], SelectorSyntax>(selector);
        var of = Of(selector.Remainder);
        if (!of.WasSuccessful)
            return Failure<ArgumentSyntax[], WordSyntax>(of);
        var count = Lexemes.Number(of.Remainder);
        if (!count.WasSuccessful)
            return Failure<ArgumentSyntax[], NumberSyntax>(count);
        return Result.Success(
            new ArgumentSyntax[] { new SelectorArgument(selector.Value), new WordArgument(of.Value), new NumberArgument(count.Value) },
            count.Remainder);
    };

    /// <summary>The budget kinds of a <c>tune</c> section (docs/tune.md).</summary>
    public static readonly string[] BudgetKinds = { "wbits", "bops", "sc-bitops", "float-share" };

    private static readonly Parser<WordSyntax> BudgetKind = OneOf(BudgetKinds);

    /// <summary><c>budget KIND VALUE</c>: a budget kind and its number or percentage.</summary>
    public static readonly Parser<ArgumentSyntax[]> Budget = input =>
    {
        var kind = BudgetKind(input);
        if (!kind.WasSuccessful)
            return Failure<ArgumentSyntax[], WordSyntax>(kind);
        var value = Lexemes.Number(kind.Remainder);
        return value.WasSuccessful
            ? Result.Success(new ArgumentSyntax[] { new WordArgument(kind.Value), new NumberArgument(value.Value) }, value.Remainder)
            : Failure<ArgumentSyntax[], NumberSyntax>(value);
    };

    private static Parser<ArgumentSyntax[]> One<T>(Parser<T> parser, Func<T, ArgumentSyntax> argument) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful
            ? Result.Success(new[] { argument(result.Value) }, result.Remainder)
            : Failure<ArgumentSyntax[], T>(result);
    };
}
