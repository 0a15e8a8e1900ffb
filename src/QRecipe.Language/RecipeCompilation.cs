using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan;

namespace QRecipe.Language;

/// <summary>The result of compiling one recipe: its syntax tree, every diagnostic, and the plan when there are no
/// errors.</summary>
public sealed class RecipeCompilation
{
    internal RecipeCompilation(RecipeSyntax syntax, IReadOnlyList<Diagnostic> diagnostics, RecipePlan? plan, IReadOnlyList<RuleReport> rules)
    {
        Syntax = syntax;
        Diagnostics = diagnostics;
        Plan = plan;
        Rules = rules;
    }

    public RecipeSyntax Syntax { get; }

    /// <summary>All diagnostics in source order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The lowered plan; null when the recipe has errors.</summary>
    public RecipePlan? Plan { get; }

    /// <summary>For every rule, how many cells it selected and how many it still decides after later rules.</summary>
    public IReadOnlyList<RuleReport> Rules { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
