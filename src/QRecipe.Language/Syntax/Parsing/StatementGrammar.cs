using System.Collections.Generic;
using System.Linq;
using Sprache;
using static QRecipe.Language.Syntax.Parsing.Lexemes;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// The grammar of each statement. A statement is a leading keyword and a list of clauses in any order, ending at the
/// end of the line (or <c>;</c>, a comment, or the <c>{</c> of a body). Which clauses may repeat or combine is the
/// binder's business; the grammar only knows each clause's shape, so its errors can list every clause allowed.
/// </summary>
internal static class StatementGrammar
{
    public static readonly string[] StatementKeywords =
        { "recipe", "model", "sampler", "calibrate", "weights", "activations", "smooth", "sc", "at", "mp" };

    public static readonly string[] QuantizerWords =
    {
        "fp", "per-tensor", "per-channel", "per-token", "symmetric", "asymmetric",
        "rtn", "mse", "gptq", "kmeans-c", "kmeans-a", "uaq", "dynamic", "static",
    };

    public static readonly string[] CustomModelParameters = { "depth", "hidden", "heads", "patch", "latent", "classes", "channels" };

    private static Parser<ClauseSyntax> Flag(params string[] words) =>
        from word in OneOf(words)
        select new ClauseSyntax(word, System.Array.Empty<ArgumentSyntax>(), word.Span);

    private static Parser<ClauseSyntax> With(string keyword, Parser<IEnumerable<ArgumentSyntax>> arguments) =>
        from start in Here
        from word in Keyword(keyword)
        from args in arguments
        from end in Mark
        select new ClauseSyntax(word, args.ToArray(), SpanOf(start, end));

    private static Parser<IEnumerable<ArgumentSyntax>> One(Parser<ArgumentSyntax> argument) => argument.Select(a => new[] { a });

    private static readonly Parser<ArgumentSyntax> NumberArg = Number.Select(n => (ArgumentSyntax)new NumberArgument(n));

    private static readonly Parser<ArgumentSyntax> SelectorArg = SelectorGrammar.Selector.Select(s => (ArgumentSyntax)new SelectorArgument(s));

    private static readonly Parser<ArgumentSyntax> OperatorsArg = SelectorGrammar.Operators.Select(o => (ArgumentSyntax)o);

    private static Parser<ArgumentSyntax> WordArg(params string[] words) => OneOf(words).Select(w => (ArgumentSyntax)new WordArgument(w));

    private static Parser<ClauseSyntax> NumberClause(string keyword) => With(keyword, One(NumberArg));

    private static Parser<ClauseSyntax> SelectorClause(string keyword) => With(keyword, One(SelectorArg));

    private static readonly Parser<ClauseSyntax> OnClause = With("on", One(OperatorsArg));

    private static Parser<ClauseSyntax> Unnamed(Parser<ArgumentSyntax> argument) =>
        argument.Select(a => new ClauseSyntax(null, new[] { a }, a.Span));

    private static Parser<ClauseSyntax> Choice(params Parser<ClauseSyntax>[] clauses) => clauses.Aggregate((a, b) => a.Or(b));

    private static readonly Parser<ClauseSyntax> NoClause = input =>
        Result.Failure<ClauseSyntax>(input, "no further clauses", System.Array.Empty<string>());

    /// <summary>Clauses up to the end of the statement. Each position must hold a valid clause, so an error names every
    /// clause that could have stood there, plus the end of the line.</summary>
    private static Parser<IReadOnlyList<ClauseSyntax>> ClauseList(Parser<ClauseSyntax> clause) => input =>
    {
        var clauses = new List<ClauseSyntax>();
        var current = input;
        while (true)
        {
            if (StatementEnd(current).WasSuccessful)
                return Result.Success<IReadOnlyList<ClauseSyntax>>(clauses, current);
            var next = clause(current);
            if (!next.WasSuccessful)
            {
                var expectations = SkipSpaces(next.Remainder).Position == SkipSpaces(current).Position
                    ? next.Expectations.Concat(new[] { "end of line" })
                    : next.Expectations;
                return Result.Failure<IReadOnlyList<ClauseSyntax>>(next.Remainder, next.Message, expectations);
            }
            clauses.Add(next.Value);
            current = next.Remainder;
        }
    };

    private static Parser<StatementSyntax> Statement(StatementKind kind, string keyword, Parser<IEnumerable<ClauseSyntax>> head, Parser<ClauseSyntax> clause) =>
        from start in Here
        from word in Keyword(keyword)
        from first in head
        from rest in ClauseList(clause)
        from end in Mark
        select Build(kind, word, first.Concat(rest).ToArray(), start, end);

    private static StatementSyntax Build(StatementKind kind, WordSyntax? keyword, IReadOnlyList<ClauseSyntax> clauses, IInput start, IInput end)
    {
        var span = SpanOf(start, end);
        return new StatementSyntax(kind, keyword, clauses, null, span, span);
    }

    private static readonly Parser<IEnumerable<ClauseSyntax>> Nothing = input => Result.Success(Enumerable.Empty<ClauseSyntax>(), input);

    public static readonly Parser<StatementSyntax> Recipe = Statement(
        StatementKind.Recipe,
        "recipe",
        from name in Unnamed(Word.Select(w => (ArgumentSyntax)new WordArgument(w)))
        from description in Unnamed(String.Select(s => (ArgumentSyntax)new StringArgument(s))).Optional()
        select new[] { name }.Concat(description.IsDefined ? new[] { description.Get() } : System.Array.Empty<ClauseSyntax>()),
        NoClause);

    /// <summary>The braces of <c>model custom { … }</c> may span lines; newlines and comments inside are spacing.</summary>
    private static readonly Parser<IEnumerable<ClauseSyntax>> CustomModelBody = input =>
    {
        var clauses = new List<ClauseSyntax>();
        var open = Symbol('{')(input);
        if (!open.WasSuccessful)
            return Result.Failure<IEnumerable<ClauseSyntax>>(open.Remainder, open.Message, open.Expectations);
        var current = open.Remainder;
        var parameter = Choice(CustomModelParameters.Select(NumberClause).ToArray());
        while (true)
        {
            current = SkipSpacing(current);
            var close = Symbol('}')(current);
            if (close.WasSuccessful)
                return Result.Success<IEnumerable<ClauseSyntax>>(clauses, close.Remainder);
            var next = parameter(current);
            if (!next.WasSuccessful)
                return Result.Failure<IEnumerable<ClauseSyntax>>(next.Remainder, next.Message, next.Expectations.Concat(new[] { "'}'" }));
            clauses.Add(next.Value);
            current = next.Remainder;
        }
    };

    private static IInput SkipSpacing(IInput input)
    {
        var text = (TextInput)input;
        var position = text.Position;
        var source = text.Source;
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
        return new TextInput(text.Text, position);
    }

    public static readonly Parser<StatementSyntax> Model = Statement(
        StatementKind.Model,
        "model",
        (from custom in Flag("custom")
         from body in CustomModelBody
         select new[] { custom }.Concat(body))
        .Or(Unnamed(Word.Select(w => (ArgumentSyntax)new WordArgument(w))).Select(c => new[] { c })),
        NumberClause("image"));

    public static readonly Parser<StatementSyntax> Sampler = Statement(
        StatementKind.Sampler,
        "sampler",
        Flag("ddpm", "ddim").Select(c => new[] { c }),
        Choice(NumberClause("steps"), NumberClause("cfg"), NumberClause("seed"), NumberClause("eta")));

    public static readonly Parser<StatementSyntax> Calibrate = Statement(
        StatementKind.Calibrate,
        "calibrate",
        Nothing,
        Choice(NumberClause("samples"), SelectorClause("steps"), NumberClause("batch")));

    private static readonly Parser<ClauseSyntax> QuantizerClause = Choice(
        PrefixedNumber("int", "int2..int8").Select(w => new ClauseSyntax(w, System.Array.Empty<ArgumentSyntax>(), w.Span)),
        Flag(QuantizerWords),
        NumberClause("group"),
        OnClause);

    public static readonly Parser<StatementSyntax> Weights = Statement(StatementKind.Weights, "weights", Nothing, QuantizerClause);

    public static readonly Parser<StatementSyntax> Activations = Statement(StatementKind.Activations, "activations", Nothing, QuantizerClause);

    private static readonly Parser<IEnumerable<ArgumentSyntax>> AlphaArguments =
        (from search in WordArg("search")
         from start in Here
         from lo in Number
         from dots in RangeDots
         from hi in Number
         from end in Mark
         from byWord in WordArg("by")
         from step in NumberArg
         select new[] { search, new IntervalArgument(lo, hi, SpanOf(start, end)), byWord, step })
        .Or(One(NumberArg));

    public static readonly Parser<StatementSyntax> Smooth = Statement(
        StatementKind.Smooth,
        "smooth",
        Flag("smoothquant", "ditas").Select(c => new[] { c }),
        Choice(With("alpha", AlphaArguments), NumberClause("lowrank"), NumberClause("iterations"), OnClause));

    private static readonly Parser<IEnumerable<ArgumentSyntax>> NoiseArguments =
        (from word in WordArg("local", "global")
         from value in NumberArg
         select new[] { word, value }).Many().Select(pairs => pairs.SelectMany(p => p));

    public static readonly Parser<StatementSyntax> Sc = Statement(
        StatementKind.Sc,
        "sc",
        Nothing,
        Choice(
            Flag("off", "halve", "debug"),
            With("precision", One(NumberArg.Or(WordArg("auto")))),
            With("kernel", One(WordArg("enable", "xnor", "and"))),
            With("scramble", One(WordArg("bitrev", "counter", "off", "random"))),
            NumberClause("seed"),
            NumberClause("chunk"),
            With("noise", NoiseArguments)));

    public static readonly Parser<StatementSyntax> At = Statement(
        StatementKind.At,
        "at",
        Nothing,
        Choice(SelectorClause("blocks"), SelectorClause("steps"), OnClause));

    private static readonly Parser<ClauseSyntax> RuleScope = Choice(SelectorClause("blocks"), SelectorClause("steps"), SelectorClause("heads"));

    private static readonly Parser<ClauseSyntax> Groups = With(
        "groups",
        from selector in SelectorArg
        from of in WordArg("of")
        from count in NumberArg
        select new[] { selector, of, count });

    public static readonly Parser<StatementSyntax> ScRule =
        from start in Here
        from ops in Unnamed(OperatorsArg)
        from rest in ClauseList(Choice(RuleScope, Groups, NumberClause("stream"), Flag("off")))
        from end in Mark
        select Build(StatementKind.ScRule, null, new[] { ops }.Concat(rest).ToArray(), start, end);

    private static Parser<ClauseSyntax> NumberListClause(string keyword) => With(keyword, NumberArg.AtLeastOnce());

    public static readonly Parser<StatementSyntax> MixedPrecision = Statement(
        StatementKind.MixedPrecision,
        "mp",
        Unnamed(OperatorsArg).Select(c => new[] { c }),
        Choice(RuleScope, NumberListClause("levels"), NumberListClause("fractions")));

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
        _ => null,
    };
}
