using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Plan;

/// <summary>SC cost of one operator kind summed over all blocks and steps, per sample.</summary>
/// <param name="Cells">(step, block) cells of this operator with SC on.</param>
/// <param name="StreamSum">Sum of the mean stream length over those cells (scmp's total_stoc_budget, per step).</param>
/// <param name="StreamMacs">Stream length × multiply-accumulates: the bit-serial work actually spent.</param>
/// <param name="FullLengthStreamMacs">The same cells at the full stream length 2^precision.</param>
/// <param name="ScMacs">Multiply-accumulates executed in SC.</param>
/// <param name="TotalMacs">All multiply-accumulates of the operator over the run.</param>
/// <param name="BoundCells">Cells whose mean stream is an upper bound (adaptive or range mixed precision, decided by
/// the data at run time): with any, the stream figures are upper bounds.</param>
public sealed record OperatorBudget(Operator Operator, int Cells, double StreamSum, double StreamMacs, double FullLengthStreamMacs, double ScMacs, double TotalMacs,
    int BoundCells = 0)
{
    /// <summary>Fraction of full-length stream work saved by shorter streams, mixed precision and pruning.</summary>
    public double Savings => FullLengthStreamMacs == 0 ? 0 : 1 - StreamMacs / FullLengthStreamMacs;
}

/// <summary>
/// Budget helpers. The stream sum counts stream lengths only (comparable with scmp); the compute-weighted budget
/// multiplies each cell's mean stream length by the operator's multiply-accumulates at the model's shapes, so long
/// streams on small operators do not look as expensive as on large ones (docs/language.md).
/// </summary>
public sealed record PlanBudget(IReadOnlyList<OperatorBudget> Operators)
{
    public double StreamSum => Operators.Sum(o => o.StreamSum);

    public double StreamMacs => Operators.Sum(o => o.StreamMacs);

    public double FullLengthStreamMacs => Operators.Sum(o => o.FullLengthStreamMacs);

    public double ScMacs => Operators.Sum(o => o.ScMacs);

    public double TotalMacs => Operators.Sum(o => o.TotalMacs);

    /// <summary>Fraction of all multiply-accumulates that run in SC.</summary>
    public double ScFraction => TotalMacs == 0 ? 0 : ScMacs / TotalMacs;

    public double Savings => FullLengthStreamMacs == 0 ? 0 : 1 - StreamMacs / FullLengthStreamMacs;

    /// <summary>Whether the stream figures are upper bounds (<see cref="OperatorBudget.BoundCells"/>).</summary>
    public bool IsBound => Operators.Any(o => o.BoundCells > 0);

    public static PlanBudget Of(RecipePlan plan)
    {
        var result = new List<OperatorBudget>();
        foreach (var op in Plan.Operators.PerBlock)
        {
            var macs = (double)plan.Model.Macs(op);
            int cells = 0, bound = 0;
            double streamSum = 0, streamMacs = 0, full = 0, scMacs = 0;
            for (var step = 0; step < plan.Steps; step++)
            {
                for (var block = 0; block < plan.Depth; block++)
                {
                    var sc = plan.Get(new Step(step), new Block(block), op).Sc;
                    if (!sc.Enabled)
                        continue;
                    cells++;
                    if (sc.MeanStreamIsBound)
                        bound++;
                    streamSum += sc.MeanStream;
                    streamMacs += sc.MeanStream * macs;
                    full += sc.FullStream * macs;
                    scMacs += macs;
                }
            }
            result.Add(new OperatorBudget(op, cells, streamSum, streamMacs, full, scMacs, macs * plan.Steps * plan.Depth, bound));
        }
        return new PlanBudget(result);
    }
}
