using System.Collections.Generic;
using QRecipe.Plan;

namespace QRecipe.Language.Tuning;

/// <summary>Which setting a tune rule chooses per cell group.</summary>
public enum TuneAspect
{
    /// <summary>Weight bits (<c>wbits</c>): the base cell's weight quantizer with another bit width.</summary>
    WeightBits,
    /// <summary>Activation bits (<c>abits</c>): the base cell's activation quantizer with another bit width.</summary>
    ActivationBits,
    /// <summary>SC stream length (<c>stream</c>) of whole cells or of single heads.</summary>
    Stream,
}

/// <summary>One cell a tune group decides: a (step, block, operator) position, or one head of it (<see cref="Head"/>
/// ≥ 0, stream tuning of qk and av only; −1 is the whole cell).</summary>
public sealed record TuneCell(int Step, int Block, Operator Operator, int Head);

/// <summary>Cells that always take the same choice: the unit the sensitivity stage lowers one at a time and the search
/// assigns. <see cref="Choices"/> are strictly descending, so choice 0 is the most precise.</summary>
public sealed record TuneGroup(int Index, TuneAspect Aspect, EquatableArray<int> Choices, IReadOnlyList<TuneCell> Cells, string Label);

/// <summary>The search space a recipe's <c>tune</c> section declares, lowered against its plan: the budget, seed counts
/// and the cell groups in rule order (docs/tune.md).</summary>
public sealed record TuneSpace(TuneBudget? Budget, int? Seeds, int? Validate, IReadOnlyList<TuneGroup> Groups);
