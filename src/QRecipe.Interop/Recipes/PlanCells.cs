using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>Reads per-layer settings out of a plan for formats that have one value per layer for the whole run.</summary>
public static class PlanCells
{
    public static OpSetting At(RecipePlan plan, int step, Cell cell) =>
        cell.IsGlobal ? plan.GetGlobal(step, cell.Op) : plan.Get(new Step(step), new Block(cell.Block), cell.Op);

    /// <summary>A layer's weight setting when it is the same at every step; otherwise a refusal and null.</summary>
    public static WeightQuant? Weights(RecipePlan plan, Cell cell, PlanRefusals refusals)
    {
        var first = At(plan, 0, cell).Weights;
        for (var step = 1; step < plan.Steps; step++)
        {
            if (At(plan, step, cell).Weights != first)
            {
                refusals.Add($"{Name(cell)}: weights change at step {step}; the format has one setting per layer");
                return null;
            }
        }
        return first;
    }

    /// <summary>The activation setting of every block operator at every step when there is one; otherwise a refusal.</summary>
    public static ActivationQuant? UniformActivations(RecipePlan plan, PlanRefusals refusals)
    {
        var distinct = Enumerable.Range(0, plan.Steps)
            .SelectMany(step => Enumerable.Range(0, plan.Depth).SelectMany(block => Operators.PerBlock.Select(op => plan.Get(new Step(step), new Block(block), op).Activations)))
            .Distinct().ToList();
        if (distinct.Count == 1)
            return distinct[0];
        refusals.Add($"activations differ between operators or steps ({string.Join("; ", distinct.Take(4))}); the format has one activation setting");
        return null;
    }

    public static string Name(Cell cell) => cell.IsGlobal ? Operators.Name(cell.Op) : $"block {cell.Block} {Operators.Name(cell.Op)}";

}
