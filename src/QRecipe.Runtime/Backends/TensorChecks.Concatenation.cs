using System;
using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

internal static partial class TensorChecks
{
    /// <summary>Concat and Split: viewed around the axis each tensor is [outer, size·inner], every other axis and the
    /// element type match, and the parts' sizes add up to the whole's. Returns outer and the row lengths in bytes.</summary>
    public static (long Outer, long WholeRowBytes, long[] PartRowBytes) Concatenation(string op, Tensor whole, int axis, IReadOnlyList<Tensor> parts, bool intoWhole)
    {
        var a = Axis(op, whole, axis);
        if (parts.Count == 0)
            throw new ArgumentException($"{op}: no tensors to {(intoWhole ? "concatenate" : "split into")}");
        var total = 0;
        var rowBytes = new long[parts.Count];
        var elementSize = whole.DataType.SizeInBytes();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var fits = part.DataType == whole.DataType && part.Rank == whole.Rank;
            for (var d = 0; fits && d < whole.Rank; d++)
                fits = d == a || part.Shape[d] == whole.Shape[d];
            if (!fits)
                throw new ShapeMismatchException(op, part.Shape, whole.Shape, $"every axis but {a} must match (and the element types)");
            total += part.Shape[a];
            rowBytes[i] = part.Shape.Product(a, part.Rank) * elementSize;
        }

        if (total != whole.Shape[a])
            throw new ShapeMismatchException(op, parts[0].Shape, whole.Shape, $"sizes along axis {a} add up to {total}, not {whole.Shape[a]}");
        return (whole.Shape.Product(0, a), whole.Shape.Product(a, whole.Rank) * elementSize, rowBytes);
    }
}
