using QRecipe.Plan;

namespace QRecipe.Runtime.Execution;

/// <summary>Relative L2 error ‖recipe − float‖ / ‖float‖ of each operator's output per (step, block), all its layers
/// and calls at that step summed; NaN where the operator did not run. Global operators use block 0.</summary>
public sealed class OperatorErrors
{
    private readonly RecipePlan _plan;
    private readonly double[] _values;

    public OperatorErrors(RecipePlan plan, double[] values)
    {
        _plan = plan;
        _values = values;
    }

    /// <summary>The error of <paramref name="op"/> in <paramref name="block"/> at <paramref name="step"/>; typed like <see cref="RecipePlan.Get"/>.</summary>
    public double Get(Step step, Block block, Operator op) => _values[step.Index * _plan.SlotsPerStep + _plan.Slot(block.Index, op)];

    /// <summary>Root mean square over blocks of the per-block errors of an operator at a step.</summary>
    public double MeanOverBlocks(int step, Operator op)
    {
        if (!Operators.IsPerBlock(op))
            return Get(new Step(step), new Block(0), op);
        double sum = 0;
        var count = 0;
        for (var block = 0; block < _plan.Depth; block++)
        {
            var value = Get(new Step(step), new Block(block), op);
            if (double.IsNaN(value))
                continue;
            sum += value * value;
            count++;
        }
        return count == 0 ? double.NaN : System.Math.Sqrt(sum / count);
    }
}
