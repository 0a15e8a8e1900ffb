using System;
using System.Collections.Generic;
using System.Linq;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The grammar of each statement. A statement is a leading keyword, a fixed head (a name, a method, operators) and a
/// list of clauses in any order, ending at the end of the line (or <c>;</c>, a comment, or the <c>{</c> of a body).
/// Which clauses may repeat or combine is the binder's business; the grammar only knows each clause's shape, so its
/// errors can list every clause allowed.
/// </summary>
internal static class StatementGrammar
{
    public static readonly string[] StatementKeywords =
        { "recipe", "model", "sampler", "calibrate", "weights", "activations", "smooth", "sc", "at", "mp", "range", "tune", "wbits", "abits", "stream" };

    public static readonly string[] QuantizerWords =
    {
        "fp", "per-tensor", "per-channel", "per-token", "symmetric", "asymmetric",
        "rtn", "mse", "gptq", "kmeans-c", "kmeans-a", "uaq", "dynamic", "static",
    };

    public static readonly string[] CustomModelParameters = { "depth", "hidden", "heads", "patch", "latent", "classes", "channels" };

    private static readonly Parser<IReadOnlyList<ClauseSyntax>> Nothing = input =>
        Result.Success<IReadOnlyList<ClauseSyntax>>(Array.Empty<ClauseSyntax>(), input);

    /// <summary>A head of one word from a fixed set (<c>ddpm</c>).</summary>
    private static Parser<IReadOnlyList<ClauseSyntax>> Method(params string[] words)
    {
        var method = OneOf(words);
        return input =>
        {
            var word = method(input);
            return word.WasSuccessful
                ? Result.Success<IReadOnlyList<ClauseSyntax>>(new[] { new ClauseSyntax(word.Value, Array.Empty<ArgumentSyntax>(), word.Value.Span) }, word.Remainder)
                : Failure<IReadOnlyList<ClauseSyntax>, WordSyntax>(word);
        };
    }

    /// <summary>A clause without keyword: its one argument.</summary>
    private static ClauseSyntax Unnamed(ArgumentSyntax argument) => new(null, new[] { argument }, argument.Span);

    private static Parser<StatementSyntax> Statement(StatementKind kind, string keyword, Parser<IReadOnlyList<ClauseSyntax>> head, ClauseGrammar clauses)
    {
        var leading = Keyword(keyword);
        return input =>
        {
            var word = leading(input);
            if (!word.WasSuccessful)
                return Failure<StatementSyntax, WordSyntax>(word);
            var first = head(word.Remainder);
            if (!first.WasSuccessful)
                return Failure<StatementSyntax, IReadOnlyList<ClauseSyntax>>(first);
            var all = clauses.ClauseList(first.Value, first.Remainder);
            return all.WasSuccessful
                ? Result.Success(Build(kind, word.Value, all.Value, word.Value.Span.Start, all.Remainder), all.Remainder)
                : Failure<StatementSyntax, IReadOnlyList<ClauseSyntax>>(all);
        };
    }

    private static StatementSyntax Build(StatementKind kind, WordSyntax? keyword, IReadOnlyList<ClauseSyntax> clauses, int start, IInput end)
    {
        var span = SpanOf(end, start, end.Position);
        return new StatementSyntax(kind, keyword, clauses, null, span, span);
    }

    /// <summary><c>recipe Name ["description"]</c>; no clauses follow.</summary>
    public static readonly Parser<StatementSyntax> Recipe = Statement(
        StatementKind.Recipe,
        "recipe",
        input =>
        {
            var name = Word(input);
            if (!name.WasSuccessful)
                return Failure<IReadOnlyList<ClauseSyntax>, WordSyntax>(name);
            var description = Lexemes.String(name.Remainder);
            var nameClause = Unnamed(new WordArgument(name.Value));
            return description.WasSuccessful
                ? Result.Success<IReadOnlyList<ClauseSyntax>>(new[] { nameClause, Unnamed(new StringArgument(description.Value)) }, description.Remainder)
                : Result.Success<IReadOnlyList<ClauseSyntax>>(new[] { nameClause }, name.Remainder);
        },
        new ClauseGrammar());

    private static readonly ClauseGrammar CustomModelParameter = CustomModelParameters
        .Aggregate(new ClauseGrammar(), (grammar, parameter) => grammar.With(parameter, ArgumentGrammar.Number));

    private static readonly Parser<char> OpenBrace = Symbol('{');

    private static readonly Parser<char> CloseBrace = Symbol('}');

    private static readonly string[] CustomModelStarts = { "custom", "a word" };

    /// <summary><c>custom { … }</c> or a model name. A <c>custom</c> whose body does not parse is taken as a name (the
    /// binder reports the unknown model), as trying the body and then a name would.</summary>
    private static readonly Parser<IReadOnlyList<ClauseSyntax>> ModelHead = input =>
    {
        var word = Word(input);
        if (!word.WasSuccessful)
            return Result.Failure<IReadOnlyList<ClauseSyntax>>(input, "expected 'custom'", CustomModelStarts);
        if (word.Value.Text == "custom")
        {
            var body = CustomModelBody(word.Remainder);
            if (body.WasSuccessful)
            {
                var clauses = new List<ClauseSyntax> { new(word.Value, Array.Empty<ArgumentSyntax>(), word.Value.Span) };
                clauses.AddRange(body.Value);
                return Result.Success<IReadOnlyList<ClauseSyntax>>(clauses, body.Remainder);
            }
        }
        return Result.Success<IReadOnlyList<ClauseSyntax>>(new[] { Unnamed(new WordArgument(word.Value)) }, word.Remainder);
    };

    /// <summary>The braces of <c>model custom { … }</c> may span lines; newlines and comments inside are spacing.</summary>
    private static IResult<List<ClauseSyntax>> CustomModelBody(IInput input)
    {
        var clauses = new List<ClauseSyntax>();
        var open = OpenBrace(input);
        if (!open.WasSuccessful)
            return Failure<List<ClauseSyntax>, char>(open);
        var current = open.Remainder;
        while (true)
        {
            current = SkipSpacing(current);
            var close = CloseBrace(current);
            if (close.WasSuccessful)
                return Result.Success(clauses, close.Remainder);
            var next = CustomModelParameter.Clause(current);
            if (!next.WasSuccessful)
                return Result.Failure<List<ClauseSyntax>>(next.Remainder, next.Message, next.Expectations.Concat(new[] { "'}'" }));
            clauses.Add(next.Value);
            current = next.Remainder;
        }
    }

    private static IInput SkipSpacing(IInput input)
    {
        var position = input.Position;
        var source = input.Source;
        while (position < source.Length)
        {
            if (char.IsWhiteSpace(source[position]) || source[position] == ';')
                position++;
            else if (source[position] == '/' && position + 1 < source.Length && source[position + 1] == '/')
            {
                while (position < source.Length && source[position] != '\n')
                    position++;
            }
            else
                break;
        }
        return InputAt(input, position);
    }

    public static readonly Parser<StatementSyntax> Model = Statement(
        StatementKind.Model, "model", ModelHead, new ClauseGrammar().With("image", ArgumentGrammar.Number));

    public static readonly Parser<StatementSyntax> Sampler = Statement(
        StatementKind.Sampler,
        "sampler",
        Method("ddpm", "ddim"),
        new ClauseGrammar().With("steps", ArgumentGrammar.Number).With("cfg", ArgumentGrammar.Number)
            .With("seed", ArgumentGrammar.Number).With("eta", ArgumentGrammar.Number));

    public static readonly Parser<StatementSyntax> Calibrate = Statement(
        StatementKind.Calibrate,
        "calibrate",
        Nothing,
        new ClauseGrammar().With("samples", ArgumentGrammar.Number).With("steps", ArgumentGrammar.Selector).With("batch", ArgumentGrammar.Number));

    private static ClauseGrammar QuantizerClauses() => new ClauseGrammar()
        .Numbered("int", "int2..int8")
        .Flags(QuantizerWords)
        .With("group", ArgumentGrammar.Number)
        .With("on", ArgumentGrammar.Operators);

    public static readonly Parser<StatementSyntax> Weights = Statement(StatementKind.Weights, "weights", Nothing, QuantizerClauses());

    public static readonly Parser<StatementSyntax> Activations = Statement(StatementKind.Activations, "activations", Nothing, QuantizerClauses());

    public static readonly Parser<StatementSyntax> Smooth = Statement(
        StatementKind.Smooth,
        "smooth",
        Method("smoothquant", "ditas"),
        new ClauseGrammar().With("alpha", ArgumentGrammar.Alpha).With("lowrank", ArgumentGrammar.Number)
            .With("iterations", ArgumentGrammar.Number).With("on", ArgumentGrammar.Operators));

    public static readonly Parser<StatementSyntax> Sc = Statement(
        StatementKind.Sc,
        "sc",
        Nothing,
        new ClauseGrammar()
            .Flags("off", "halve", "debug")
            .With("precision", ArgumentGrammar.NumberOr("auto"))
            .With("kernel", ArgumentGrammar.Word("enable", "xnor", "and"))
            .With("scramble", ArgumentGrammar.Word("bitrev", "counter", "off", "random"))
            .With("seed", ArgumentGrammar.Number)
            .With("chunk", ArgumentGrammar.Number)
            .With("noise", ArgumentGrammar.Noise));

    public static readonly Parser<StatementSyntax> At = Statement(
        StatementKind.At,
        "at",
        Nothing,
        new ClauseGrammar().With("blocks", ArgumentGrammar.Selector).With("steps", ArgumentGrammar.Selector).With("on", ArgumentGrammar.Operators));

    /// <summary>Where a rule applies inside an <c>sc</c> section.</summary>
    private static ClauseGrammar RuleScope() => new ClauseGrammar()
        .With("blocks", ArgumentGrammar.Selector).With("steps", ArgumentGrammar.Selector).With("heads", ArgumentGrammar.Selector);

    private static readonly ClauseGrammar ScRuleClauses = RuleScope()
        .With("groups", ArgumentGrammar.Groups)
        .With("stream", ArgumentGrammar.Number)
        .Flags("off");

    /// <summary>An SC rule starts with its operators rather than a keyword.</summary>
    public static readonly Parser<StatementSyntax> ScRule = input =>
    {
        var operators = SelectorGrammar.Operators(input);
        if (!operators.WasSuccessful)
            return Failure<StatementSyntax, OperatorsArgument>(operators);
        var all = ScRuleClauses.ClauseList(new[] { Unnamed(operators.Value) }, operators.Remainder);
        return all.WasSuccessful
            ? Result.Success(Build(StatementKind.ScRule, null, all.Value, operators.Value.Span.Start, all.Remainder), all.Remainder)
            : Failure<StatementSyntax, IReadOnlyList<ClauseSyntax>>(all);
    };

    private static readonly Parser<IReadOnlyList<ClauseSyntax>> MixedPrecisionHead = input =>
    {
        var operators = SelectorGrammar.Operators(input);
        return operators.WasSuccessful
            ? Result.Success<IReadOnlyList<ClauseSyntax>>(new[] { Unnamed(operators.Value) }, operators.Remainder)
            : Failure<IReadOnlyList<ClauseSyntax>, OperatorsArgument>(operators);
    };

    public static readonly Parser<StatementSyntax> MixedPrecision = Statement(
        StatementKind.MixedPrecision,
        "mp",
        MixedPrecisionHead,
        RuleScope().With("levels", ArgumentGrammar.Numbers).With("fractions", ArgumentGrammar.Numbers)
            .Flags("adaptive").With("alpha", ArgumentGrammar.Number).With("beta", ArgumentGrammar.Number));

    /// <summary><c>range OPS [blocks …] [steps …] levels L1 L2 … [threshold T] group G</c>: output-row group lengths from
    /// the weight's ranges.</summary>
    public static readonly Parser<StatementSyntax> RangeMixedPrecision = Statement(
        StatementKind.RangeMixedPrecision,
        "range",
        MixedPrecisionHead,
        RuleScope().With("levels", ArgumentGrammar.Numbers).With("threshold", ArgumentGrammar.Number).With("group", ArgumentGrammar.Number));

    public static readonly Parser<StatementSyntax> Tune = Statement(
        StatementKind.Tune,
        "tune",
        Nothing,
        new ClauseGrammar().With("budget", ArgumentGrammar.Budget).With("seeds", ArgumentGrammar.Number).With("validate", ArgumentGrammar.Number));

    private static readonly ClauseGrammar TuneRuleClauses = RuleScope()
        .With("choices", ArgumentGrammar.Numbers)
        .Flags("per-block", "per-op", "per-head")
        .With("step-bands", ArgumentGrammar.Number);

    /// <summary><c>wbits|abits|stream OPS [blocks …] [steps …] [heads …] choices … [per-block] [per-op] [per-head] [step-bands N]</c>.</summary>
    private static Parser<StatementSyntax> TuneRule(string keyword) => Statement(StatementKind.TuneRule, keyword, MixedPrecisionHead, TuneRuleClauses);

    private static readonly Parser<StatementSyntax> TuneWeightBits = TuneRule("wbits");

    private static readonly Parser<StatementSyntax> TuneActivationBits = TuneRule("abits");

    private static readonly Parser<StatementSyntax> TuneStream = TuneRule("stream");

    public static Parser<StatementSyntax>? ForKeyword(string keyword) => keyword switch
    {
        "recipe" => Recipe,
        "model" => Model,
        "sampler" => Sampler,
        "calibrate" => Calibrate,
        "weights" => Weights,
        "activations" => Activations,
        "smooth" => Smooth,
        "sc" => Sc,
        "at" => At,
        "mp" => MixedPrecision,
        "range" => RangeMixedPrecision,
        "tune" => Tune,
        "wbits" => TuneWeightBits,
        "abits" => TuneActivationBits,
        "stream" => TuneStream,
        _ => null,
    };
}
