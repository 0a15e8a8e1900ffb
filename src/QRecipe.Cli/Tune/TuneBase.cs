using System.Linq;
using QRecipe.Language;
using QRecipe.Language.Syntax;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Cli.Tune;

/// <summary>The recipe a search starts from: its text, plan and search space, and its text without the <c>tune</c>
/// section, to which each candidate's rules are appended.</summary>
internal sealed class TuneBase
{
    private readonly int _nameStart;
    private readonly int _nameEnd;

    public TuneBase(string path, string text, RecipeCompilation compilation)
    {
        Path = path;
        Text = text;
        Plan = compilation.Plan!;
        Space = compilation.Tune!;
        var tune = compilation.Syntax.Statements.First(s => s.Kind == StatementKind.Tune);
        var recipe = compilation.Syntax.Statements.First(s => s.Kind == StatementKind.Recipe);
        var name = ((WordArgument)recipe.Clauses[0].Arguments[0]).Word.Span;
        // The recipe statement comes first in every recipe the binder accepts; the tune section after it.
        (_nameStart, _nameEnd) = (name.Start, name.End);
        Before = text[..tune.Span.Start];
        After = text[tune.Span.End..];
    }

    public string Path { get; }

    public string Text { get; }

    public RecipePlan Plan { get; }

    public TuneSpace Space { get; }

    private string Before { get; }

    private string After { get; }

    /// <summary>The base text with the recipe renamed, without its tune section, and <paramref name="rules"/> at the end,
    /// after every base rule, so that they win wherever a base rule selects the same cells.</summary>
    public string With(string name, string rules)
    {
        var before = _nameStart < Before.Length ? Before[.._nameStart] + name + Before[_nameEnd..] : Before;
        return (before.TrimEnd() + "\n" + After.TrimEnd()).TrimEnd() + "\n\n" + rules;
    }
}
