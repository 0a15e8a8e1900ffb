using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Plan;

namespace QRecipe.Runtime.Execution;

/// <summary>Settings a plan may contain that this runtime cannot execute yet. A run refuses them up front, naming
/// each, instead of silently running something else.</summary>
public static class PlanSupport
{
    public static IReadOnlyList<string> Unsupported(RecipePlan plan)
    {
        var problems = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var setting in plan.Palette)
        {
            var sc = setting.Sc;
            if (!sc.Enabled)
                continue;
            if (sc.MixedPrecision is not null)
                problems.Add("sc mp (dynamic mixed precision)");
            if (!sc.GroupStreams.IsEmpty)
                problems.Add("sc groups (per-output-group stream lengths)");
            if (sc.Noise is not null)
                problems.Add("sc noise (the Gaussian surrogate)");
            if (sc.Debug)
                problems.Add("sc debug");
        }
        return problems.ToList();
    }
}
