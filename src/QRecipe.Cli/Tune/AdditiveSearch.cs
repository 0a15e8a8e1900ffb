using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Cli.Tune;

/// <summary>One choice of one group in the additive model: its cost and loss relative to the group's first choice.</summary>
internal readonly record struct AdditiveOption(double Cost, double Loss);

/// <summary>A configuration on the additive model's Pareto front: its predicted cost and loss and one choice index per group.</summary>
internal sealed record FrontierPoint(double Cost, double Loss, int[] Choices);

/// <summary>
/// The fast search: minimise the summed loss under a cost limit when each group contributes its chosen option's cost
/// and loss independently (a multiple-choice knapsack). Solved exactly by dynamic programming over Pareto fronts:
/// after each group only the configurations that no other beats in both cost and loss are kept. The front of the whole
/// space answers every budget at once and is drawn in the Pareto plot.
/// </summary>
internal static class AdditiveSearch
{
    /// <summary>Fronts longer than this are thinned to evenly spaced points, which bounds time and memory on very large
    /// spaces at the price of exactness there; the bundled examples stay far below it.</summary>
    public const int MaxFrontier = 20_000;

    /// <param name="options">Per group, the options of its choices in order; option 0 is the reference (cost and loss 0).</param>
    public static IReadOnlyList<FrontierPoint> Frontier(IReadOnlyList<IReadOnlyList<AdditiveOption>> options)
    {
        var front = new List<FrontierPoint> { new(0, 0, new int[options.Count]) };
        for (var g = 0; g < options.Count; g++)
        {
            var next = new List<FrontierPoint>(front.Count * options[g].Count);
            foreach (var point in front)
            {
                for (var k = 0; k < options[g].Count; k++)
                {
                    var choices = (int[])point.Choices.Clone();
                    choices[g] = k;
                    next.Add(new FrontierPoint(point.Cost + options[g][k].Cost, point.Loss + options[g][k].Loss, choices));
                }
            }
            front = Thin(Pareto(next));
        }
        return front;
    }

    /// <summary>The lowest-loss point whose cost is within the limit (a relative tolerance of 1e-9 absorbs rounding in
    /// sums of costs), or null when even the cheapest point exceeds it.</summary>
    public static FrontierPoint? Best(IReadOnlyList<FrontierPoint> front, double limit)
    {
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(limit));
        return front.Where(p => p.Cost <= limit + tolerance).OrderBy(p => p.Loss).ThenBy(p => p.Cost).FirstOrDefault();
    }

    /// <summary>Sorted by cost, keeping each point whose loss is below that of every cheaper point.</summary>
    private static List<FrontierPoint> Pareto(List<FrontierPoint> points)
    {
        points.Sort((a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Loss.CompareTo(b.Loss));
        var kept = new List<FrontierPoint>();
        var best = double.PositiveInfinity;
        foreach (var point in points)
        {
            if (point.Loss < best)
            {
                kept.Add(point);
                best = point.Loss;
            }
        }
        return kept;
    }

    private static List<FrontierPoint> Thin(List<FrontierPoint> front)
    {
        if (front.Count <= MaxFrontier)
            return front;
        var stride = (double)(front.Count - 1) / (MaxFrontier - 1);
        return Enumerable.Range(0, MaxFrontier).Select(i => front[(int)Math.Round(i * stride)]).Distinct().ToList();
    }
}
