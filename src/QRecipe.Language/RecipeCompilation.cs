using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Language;

/// <summary>The result of compiling one recipe: its syntax tree, every diagnostic, and the plan when there are no
/// errors.</summary>
public sealed class RecipeCompilation
{
    internal RecipeCompilation(RecipeSyntax syntax, IReadOnlyList<Diagnostic> diagnostics, RecipePlan? plan, IReadOnlyList<RuleReport> rules, TuneSpace? tune)
    {
        Tune = tune;
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

    /// <summary>The search space of the recipe's <c>tune</c> section, lowered against the plan; null without one or
    /// with errors. It lives beside the plan, not in it: a recipe with a <c>tune</c> section runs as its base recipe, so
    /// the runtime and the generated classes never need it.</summary>
    public TuneSpace? Tune { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
