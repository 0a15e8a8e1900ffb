using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Binding;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Lowering;
using QRecipe.Language.Syntax.Parsing;
using QRecipe.Language.Text;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Language;

/// <summary>The front end in one call: parse, bind against the model and sampler, check, lower to a plan.</summary>
public static class RecipeCompiler
{
    public static RecipeCompilation Compile(string text, string path = "recipe.qrecipe")
    {
        var source = new SourceText(text ?? throw new ArgumentNullException(nameof(text)), path);
        var diagnostics = new List<Diagnostic>();
        var syntax = RecipeParser.Parse(source, diagnostics);
        var sink = new DiagnosticSink(path, diagnostics);
        var bound = new Binder(sink).Bind(syntax);
        RecipePlan? plan = null;
        IReadOnlyList<RuleReport> rules = Array.Empty<RuleReport>();
        TuneSpace? tune = null;
        if (bound is not null)
            (plan, rules) = new PlanLowerer(bound, sink).Lower();
        if (plan is not null && bound?.Tune is { } section)
            tune = new TuneSpaceLowerer(section, plan, sink).Lower();
        var ordered = diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        var failed = ordered.Any(d => d.IsError);
        return new RecipeCompilation(syntax, ordered, failed ? null : plan, rules, failed ? null : tune);
    }
}
