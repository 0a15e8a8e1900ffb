using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Cli.Tune;

namespace QRecipe.Cli.Tests.Tune;

/// <summary>The additive search against brute force: every configuration of a small synthetic table enumerated.</summary>
public sealed class AdditiveSearchTests
{
    private static List<IReadOnlyList<AdditiveOption>> Table(int seed, int groups)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, groups).Select(_ =>
        {
            var count = random.Next(2, 4);
            // Option 0 is the reference; cheaper options cost less and usually lose more, but not always (noise).
            return (IReadOnlyList<AdditiveOption>)Enumerable.Range(0, count)
                .Select(k => k == 0 ? new AdditiveOption(0, 0) : new AdditiveOption(-random.Next(1, 20) * k, random.NextDouble() * 10 * k - 1))
                .ToList();
        }).ToList();
    }

    private static (double Cost, double Loss) Evaluate(IReadOnlyList<IReadOnlyList<AdditiveOption>> table, int[] choices) =>
        (choices.Select((k, g) => table[g][k].Cost).Sum(), choices.Select((k, g) => table[g][k].Loss).Sum());

    private static IEnumerable<int[]> All(IReadOnlyList<IReadOnlyList<AdditiveOption>> table, int g = 0)
    {
        if (g == table.Count)
        {
            yield return new int[table.Count];
            yield break;
        }
        foreach (var rest in All(table, g + 1))
        {
            for (var k = 0; k < table[g].Count; k++)
            {
                var choices = (int[])rest.Clone();
                choices[g] = k;
                yield return choices;
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_best_point_under_each_limit_is_the_brute_force_optimum(int seed)
    {
        var table = Table(seed, 8);
        var front = AdditiveSearch.Frontier(table);
        var configurations = All(table).Select(c => (Choices: c, Value: Evaluate(table, c))).ToList();
        var cheapest = configurations.Min(c => c.Value.Cost);
        for (var limit = cheapest; limit <= 0; limit += 7)
        {
            var best = configurations.Where(c => c.Value.Cost <= limit).Min(c => c.Value.Loss);
            var found = AdditiveSearch.Best(front, limit);
            Assert.NotNull(found);
            var (cost, loss) = Evaluate(table, found!.Choices);
            Assert.True(cost <= limit, $"cost {cost} above the limit {limit}");
            Assert.Equal(best, loss, 9);
            Assert.Equal(found.Loss, loss, 9);
            Assert.Equal(found.Cost, cost, 9);
        }
        Assert.Null(AdditiveSearch.Best(front, cheapest - 1));
    }

    [Fact]
    public void The_front_keeps_no_point_that_another_beats_in_cost_and_loss()
    {
        var front = AdditiveSearch.Frontier(Table(7, 6));
        for (var i = 1; i < front.Count; i++)
        {
            Assert.True(front[i].Cost > front[i - 1].Cost);
            Assert.True(front[i].Loss < front[i - 1].Loss);
        }
    }

    [Fact]
    public void Local_moves_stay_within_the_limit_and_change_at_most_two_groups_by_one_step()
    {
        var table = Table(11, 6);
        var current = new[] { 1, 1, 0, 1, 0, 1 };
        var limit = Evaluate(table, current).Cost + 3;
        var moves = LocalSearch.Neighbours(current, table, 0, limit).ToList();
        Assert.NotEmpty(moves);
        foreach (var move in moves)
        {
            Assert.True(Evaluate(table, move).Cost <= limit + 1e-9);
            var changed = move.Select((k, g) => k - current[g]).Where(d => d != 0).ToList();
            Assert.InRange(changed.Count, 1, 2);
            Assert.Contains(-1, changed);
            Assert.All(changed, d => Assert.InRange(d, -1, 1));
        }
        var predicted = moves.Select(m => Evaluate(table, m).Loss).ToList();
        Assert.Equal(predicted.OrderBy(l => l), predicted);
    }
}
