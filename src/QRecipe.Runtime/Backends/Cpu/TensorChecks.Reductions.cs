using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Checks of the per-row and per-column reductions; the input is a matrix of its leading axes flattened into rows.</summary>
internal static partial class TensorChecks
{
    /// <summary>AbsMaxPerRow: input [..., C] into output [rows]; returns (rows, C).</summary>
    public static (int Rows, int Columns) AbsMaxPerRow(string op, Tensor input, Tensor output)
    {
        var (rows, columns) = Matrix(op, input, output);
        ShapeMismatchException.ThrowUnless(output.ElementCount == rows && output.Rank == 1, op, input.Shape, output.Shape, "output must be [rows]");
        return (rows, columns);
    }

    /// <summary>AbsMaxPerColumn: input [..., C] into output [C]; returns (rows, C).</summary>
    public static (int Rows, int Columns) AbsMaxPerColumn(string op, Tensor input, Tensor output)
    {
        var (rows, columns) = Matrix(op, input, output);
        ShapeMismatchException.ThrowUnless(output.ElementCount == columns && output.Rank == 1, op, input.Shape, output.Shape, "output must be [columns]");
        return (rows, columns);
    }

    private static (int Rows, int Columns) Matrix(string op, Tensor input, Tensor output)
    {
        Float32(op, input);
        Float32(op, output);
        return ((int)input.Shape.Rows, input.Shape.Last);
    }
}
