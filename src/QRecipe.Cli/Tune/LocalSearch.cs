using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Cli.Tune;

/// <summary>
/// The refining search's moves: from a configuration, give one group a more precise choice and take precision from
/// another (or from none, where the budget allows), keeping the cost within the limit. Moves are ranked by the loss
/// the additive model predicts, so the real evaluations go to the most promising neighbours first.
/// </summary>
internal static class LocalSearch
{
    public static IEnumerable<int[]> Neighbours(int[] current, IReadOnlyList<IReadOnlyList<AdditiveOption>> options, double baseCost, double limit)
    {
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(limit));
        double Cost(int[] c) => baseCost + c.Select((k, g) => options[g][k].Cost).Sum();
        double Loss(int[] c) => c.Select((k, g) => options[g][k].Loss).Sum();
        var moves = new List<(double Loss, int[] Choices)>();
        for (var up = 0; up < current.Length; up++)
        {
            if (current[up] == 0)
                continue;
            var raised = (int[])current.Clone();
            raised[up]--;
            if (Cost(raised) <= limit + tolerance)
                moves.Add((Loss(raised), raised));
            for (var down = 0; down < current.Length; down++)
            {
                if (down == up || current[down] + 1 >= options[down].Count)
                    continue;
                var swapped = (int[])raised.Clone();
                swapped[down]++;
                if (Cost(swapped) <= limit + tolerance)
                    moves.Add((Loss(swapped), swapped));
            }
        }
        return moves.OrderBy(m => m.Loss).Select(m => m.Choices);
    }
}
