using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Language.Tuning;

namespace QRecipe.Cli.Tune;

/// <summary>What a finished search found, for the outputs.</summary>
internal sealed record TuneOutcome(
    TuneBudget Budget,
    double Limit,
    IReadOnlyList<FrontierPoint> Front,
    double TopCost,
    double TopMse,
    int[] Chosen,
    int[]? BestUniform,
    TuneEntry? ChosenValidation,
    TuneEntry? UniformValidation,
    IReadOnlyList<int[]> Uniform,
    double WallSeconds);

/// <summary>
/// The three stages of <c>qrecipe tune</c> (docs/tune.md): sensitivity (every group lowered alone from the most precise
/// configuration), search (the additive model's optimum, then local moves evaluated for real) and validation of the
/// chosen configuration and the best uniform one on held-out samples.
/// </summary>
internal sealed class TuneRun(TuneBase tuneBase, TuneStages stages, TextWriter output)
{
    private readonly IReadOnlyList<TuneGroup> _groups = tuneBase.Space.Groups;

    private int[] Top => new int[_groups.Count];

    /// <summary>Every group at its last (cheapest) choice.</summary>
    public int[] Cheapest => _groups.Select(g => g.Choices.Count - 1).ToArray();

    /// <summary>The top configuration, then each group lowered alone to each of its other choices.</summary>
    public List<(int[] Choices, string What)> SensitivityConfigurations()
    {
        var list = new List<(int[], string)> { (Top, "all groups at their first choice") };
        foreach (var group in _groups)
        {
            for (var k = 1; k < group.Choices.Count; k++)
            {
                var choices = Top;
                choices[group.Index] = k;
                list.Add((choices, $"{group.Label} -> {group.Choices[k]}"));
            }
        }
        return list;
    }

    public void Sensitivity(IEnumerable<(int[] Choices, string What)> configurations)
    {
        var list = configurations.ToList();
        for (var i = 0; i < list.Count; i++)
            stages.Search(list[i].Choices, "sensitivity", $"{i + 1}/{list.Count} {list[i].What}");
    }

    public TuneOutcome Search(TuneBudget budget, double limit, int refine, int validate)
    {
        var clock = Stopwatch.StartNew();
        var kind = TuneBudget.KindName(budget.Kind);
        Sensitivity(SensitivityConfigurations());
        var top = stages.Search(Top, "sensitivity", "top");
        var topCost = top.Cost[kind];
        var topMse = top.Metrics["eps_mse"]!.Value;
        var options = _groups.Select(group => (IReadOnlyList<AdditiveOption>)Enumerable.Range(0, group.Choices.Count).Select(k =>
        {
            if (k == 0)
                return new AdditiveOption(0, 0);
            var choices = Top;
            choices[group.Index] = k;
            var entry = stages.Search(choices, "sensitivity", group.Label);
            return new AdditiveOption(entry.Cost[kind] - topCost, entry.Metrics["eps_mse"]!.Value - topMse);
        }).ToList()).ToList();
        var front = AdditiveSearch.Frontier(options);
        var measured = new Dictionary<string, (int[] Choices, TuneEntry Entry)>(StringComparer.Ordinal);
        void Measure(int[] choices, string role, string what)
        {
            var entry = stages.Search(choices, role, what);
            measured[string.Join(",", choices)] = (choices, entry);
        }

        // The additive optimum and the next best points of the front under the budget.
        foreach (var point in front.Where(p => topCost + p.Cost <= limit + 1e-9 * Math.Max(1, limit)).OrderBy(p => p.Loss).Take(3))
            Measure(point.Choices, "search", string.Create(CultureInfo.InvariantCulture, $"additive optimum, predicted ε MSE {topMse + point.Loss:0.###}, {kind} {topCost + point.Cost:0.###}"));
        var uniform = Uniform();
        foreach (var choices in uniform)
            Measure(choices, "uniform", "every group at " + string.Join("/", choices.Select((k, g) => _groups[g].Choices[k]).Distinct()));
        bool Fits(TuneEntry e) => e.Cost[kind] <= limit + 1e-9 * Math.Max(1, limit);

        // Local search from the best measured configuration within the budget.
        var used = 0;
        while (used < refine)
        {
            var (current, best) = measured.Values.Where(m => Fits(m.Entry)).MinBy(m => m.Entry.Metrics["eps_mse"]!.Value);
            var round = LocalSearch.Neighbours(current, options, topCost, limit).Where(c => !measured.ContainsKey(string.Join(",", c)))
                .Take(Math.Min(3, refine - used)).ToList();
            if (round.Count == 0)
                break;
            foreach (var choices in round)
                Measure(choices, "refine", $"{++used}/{refine} local move");
            if (round.All(c => measured[string.Join(",", c)].Entry.Metrics["eps_mse"]!.Value >= best.Metrics["eps_mse"]!.Value))
                break;
        }
        var searchSeconds = clock.Elapsed.TotalSeconds;
        var chosen = measured.Values.Where(m => Fits(m.Entry)).MinBy(m => m.Entry.Metrics["eps_mse"]!.Value).Choices;
        var fittingUniform = uniform.Where(c => Fits(measured[string.Join(",", c)].Entry)).ToList();
        var bestUniform = fittingUniform.Count == 0 ? null : fittingUniform.MinBy(c => measured[string.Join(",", c)].Entry.Metrics["eps_mse"]!.Value);
        TuneEntry? chosenValidation = null, uniformValidation = null;
        if (validate > 0)
        {
            chosenValidation = stages.Validate(chosen, "validate tuned", validate);
            if (bestUniform is not null)
                uniformValidation = stages.Validate(bestUniform, "validate best uniform", validate);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search wall time {searchSeconds:0} s in this run ({stages.Evaluated} evaluated, {stages.Reused} read from the log)"));
        return new TuneOutcome(budget, limit, front, topCost, topMse, chosen, bestUniform, chosenValidation, uniformValidation, uniform, searchSeconds);
    }

    /// <summary>Every group at the same choice position (a group with fewer choices at its last).</summary>
    private List<int[]> Uniform() =>
        Enumerable.Range(0, _groups.Max(g => g.Choices.Count))
            .Select(k => _groups.Select(g => Math.Min(k, g.Choices.Count - 1)).ToArray()).ToList();
}
