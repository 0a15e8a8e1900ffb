using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Checks of the per-row and per-column reductions.</summary>
internal static partial class TensorChecks
{
    /// <summary>AbsMaxPerRow / AbsMaxPerColumn: float32 input [..., C] seen as a matrix of its leading axes flattened
    /// into rows, output [rows] or [C]; returns (rows, C).</summary>
    public static (int Rows, int Columns) AbsMaxPer(string op, Tensor input, Tensor output, bool perRow)
    {
        Float32(op, input);
        Float32(op, output);
        int rows = (int)input.Shape.Rows, columns = input.Shape.Last;
        if (output.Rank != 1 || output.ElementCount != (perRow ? rows : columns))
            throw new ShapeMismatchException(op, input.Shape, output.Shape, perRow ? "output must be [rows]" : "output must be [columns]");
        return (rows, columns);
    }
}
