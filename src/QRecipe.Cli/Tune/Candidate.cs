using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Cli.Tune;

/// <summary>A configuration made concrete: its recipe text, the plan that text compiles to, and its cost in every budget
/// unit (sc-bitops only where the plan has SC cells).</summary>
internal sealed record Candidate(int[] Choices, string Text, RecipePlan Plan, IReadOnlyDictionary<string, double> Cost)
{
    /// <summary>The name candidates carry while searched; the written recipe gets the user's name.</summary>
    public const string SearchName = "TuneCandidate";

    public static Candidate Of(TuneBase tuneBase, int[] choices)
    {
        var text = CandidateRecipe.Text(tuneBase, choices, SearchName, Enumerable.Empty<string>());
        var compilation = RecipeCompiler.Compile(text, tuneBase.Path);
        if (compilation.Plan is not { } plan)
        {
            // The writer only restates the base's own quantizers and SC settings at other widths and lengths, all
            // checked by the binder; a failure here is a bug in the writer, reported with the compiler's first error.
            throw new InvalidDataException($"the candidate recipe for choices [{string.Join(", ", choices)}] does not compile: {compilation.Diagnostics.First(d => d.IsError)}");
        }
        return new Candidate(choices, text, plan, Costs(plan));
    }

    public static IReadOnlyDictionary<string, double> Costs(RecipePlan plan)
    {
        var costs = new Dictionary<string, double>();
        foreach (var kind in new[] { BudgetKind.WeightBits, BudgetKind.Bops, BudgetKind.FloatShare, BudgetKind.ScBitops })
        {
            if (kind != BudgetKind.ScBitops || PlanBudget.Of(plan).ScMacs > 0)
                costs[TuneBudget.KindName(kind)] = TuneCost.Of(plan, kind);
        }
        return costs;
    }
}
