using QRecipe.Plan;

namespace QRecipe.Language.Tuning;

/// <summary>
/// The cost of a plan in each budget unit. Every unit is a sum over cells divided by a constant of the model and the
/// cells' SC membership, which tuning does not change, so costs add up over cell groups: the search's additive model
/// of cost is exact.
/// </summary>
public static class TuneCost
{
    /// <summary>Bits a float operand counts as.</summary>
    public const int FloatBits = PlanBops.FloatBits;

    /// <summary>The plan's cost in the unit of <paramref name="kind"/> (see <see cref="BudgetKind"/>).</summary>
    public static double Of(RecipePlan plan, BudgetKind kind) => kind switch
    {
        BudgetKind.WeightBits => AverageWeightBits(plan),
        BudgetKind.Bops => PlanBops.Of(plan).BlockBopsPerMac,
        BudgetKind.FloatShare => PlanBops.Of(plan).BlockBopsPerMac / (FloatBits * FloatBits),
        _ => MeanStreamPerScMac(plan),
    };

    /// <summary>The budget's limit in the unit of its kind; a percentage of sc-bitops is of the full-length streams of
    /// the plan's SC cells. Null when the plan has no SC cell for an sc-bitops budget.</summary>
    public static double? Limit(TuneBudget budget, RecipePlan plan)
    {
        if (budget.Kind == BudgetKind.ScBitops)
        {
            var sc = PlanBudget.Of(plan);
            if (sc.ScMacs == 0)
                return null;
            return budget.IsPercent ? budget.Value / 100 * sc.FullLengthStreamMacs / sc.ScMacs : budget.Value;
        }
        return budget.IsPercent ? budget.Value / 100 : budget.Value;
    }

    private static int Bits(int bits) => bits == 0 ? FloatBits : bits;

    private static double AverageWeightBits(RecipePlan plan)
    {
        double bits = 0, weights = 0;
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                foreach (var op in Operators.PerBlock)
                {
                    if (!Operators.HasWeights(op))
                        continue;
                    double count = (double)plan.Model.InputWidth(op) * plan.Model.OutputWidth(op);
                    bits += count * Bits(plan.Get(new Step(step), new Block(block), op).Weights.Bits);
                    weights += count;
                }
            }
        }
        return bits / weights;
    }

    private static double MeanStreamPerScMac(RecipePlan plan)
    {
        var sc = PlanBudget.Of(plan);
        return sc.ScMacs == 0 ? 0 : sc.StreamMacs / sc.ScMacs;
    }
}
