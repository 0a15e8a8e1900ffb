using System;
using System.Linq;
using QRecipe.Language.Syntax;

namespace QRecipe.Language.Formatting;

/// <summary>Prints statement headers in canonical form: single spaces, <c>a, b</c> lists, <c>i..j</c> ranges.</summary>
internal static class SyntaxPrinter
{
    public static string Header(StatementSyntax statement)
    {
        var clauses = statement.Clauses.Select(Clause).ToList();
        if (statement.Kind == StatementKind.Model && statement.Clauses.Count > 0 && statement.Clauses[0].Name == "custom")
        {
            var parameters = statement.Clauses.Skip(1).Where(c => c.Name != "image").Select(Clause);
            var image = statement.Clauses.Where(c => c.Name == "image").Select(Clause);
            clauses = new[] { "custom {" }.Concat(parameters).Concat(new[] { "}" }).Concat(image).ToList();
        }
        var words = statement.Keyword is null ? clauses : new[] { statement.Keyword.Text }.Concat(clauses);
        return string.Join(" ", words) + (statement.HasBody ? " {" : string.Empty);
    }

    private static string Clause(ClauseSyntax clause)
    {
        var arguments = clause.Arguments.Select(Argument);
        return string.Join(" ", clause.Keyword is null ? arguments : new[] { clause.Keyword.Text }.Concat(arguments));
    }

    private static string Argument(ArgumentSyntax argument) => argument switch
    {
        NumberArgument number => number.Number.Text,
        WordArgument word => word.Word.Text,
        StringArgument text => text.String.Text,
        OperatorsArgument ops => string.Join(", ", ops.Names.Select(n => n.Text)),
        SelectorArgument selector => Selector(selector.Selector),
        IntervalArgument interval => interval.From.Text + ".." + interval.To.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(argument)),
    };

    private static string Selector(SelectorSyntax selector) => selector switch
    {
        AllSelectorSyntax { Except: null } => "all",
        AllSelectorSyntax all => "all except " + Items(all.Except!),
        EdgeSelectorSyntax edge => edge.Edge.Text + " " + edge.Count.Text,
        ListSelectorSyntax list => Items(list.Items),
        _ => throw new ArgumentOutOfRangeException(nameof(selector)),
    };

    private static string Items(System.Collections.Generic.IReadOnlyList<IndexItemSyntax> items) =>
        string.Join(", ", items.Select(i => i.To is null ? i.From.Text : i.From.Text + ".." + i.To.Text));
}
