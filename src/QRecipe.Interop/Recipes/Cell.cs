using System.Collections.Generic;
using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>A weight layer position of the model: a block operator, or <c>embed</c>/<c>final</c> with block −1.</summary>
public readonly record struct Cell(int Block, Operator Op)
{
    public const int Outside = -1;

    public bool IsGlobal => Block == Outside;

    /// <summary>The block operators with weights (QRecipe's <c>linear</c> group) of every block, then embed and final.</summary>
    public static IEnumerable<Cell> WeightLayers(int depth)
    {
        for (var block = 0; block < depth; block++)
        {
            foreach (var op in Operators.Groups["linear"])
                yield return new Cell(block, op);
        }
        yield return new Cell(Outside, Operator.Embed);
        yield return new Cell(Outside, Operator.Final);
    }
}
