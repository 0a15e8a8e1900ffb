using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Argument checks shared by the backend operations; failures name the operation and the shapes.</summary>
internal static class TensorChecks
{
    public static void Float32(string operation, Tensor tensor)
    {
        if (tensor.DataType != DataType.Float32)
            throw new ArgumentException($"{operation}: tensor {tensor.Shape} is {tensor.DataType.Name()}, expected float32");
    }

    public static void Rank(string operation, Tensor tensor, int rank)
    {
        if (tensor.Rank != rank)
            throw new ArgumentException($"{operation}: tensor {tensor.Shape} has rank {tensor.Rank}, expected {rank}");
    }

    public static void SameShape(string operation, Tensor first, Tensor second) =>
        ShapeMismatchException.ThrowUnless(first.Shape.Equals(second.Shape), operation, first.Shape, second.Shape, "shapes must be equal");

    public static void Dimension(string operation, Tensor first, int firstAxis, Tensor second, int secondAxis)
    {
        if (first.Shape[firstAxis] != second.Shape[secondAxis])
            throw new ShapeMismatchException(operation, first.Shape, second.Shape, $"axis {firstAxis} of the first must equal axis {secondAxis} of the second");
    }

    /// <summary>Equal ranks and equal sizes on every axis but the last (checked without allocating a shape).</summary>
    public static bool SameExceptLast(Tensor first, Tensor second)
    {
        if (first.Rank != second.Rank)
            return false;
        for (var axis = 0; axis < first.Rank - 1; axis++)
        {
            if (first.Shape[axis] != second.Shape[axis])
                return false;
        }

        return true;
    }

    /// <summary>Whether <paramref name="suffix"/>'s shape equals the trailing axes of <paramref name="shape"/>.</summary>
    public static bool IsSuffix(TensorShape shape, TensorShape suffix)
    {
        if (suffix.Rank > shape.Rank)
            return false;
        for (var i = 1; i <= suffix.Rank; i++)
        {
            if (suffix[-i] != shape[-i])
                return false;
        }

        return true;
    }

    public static int Axis(string operation, Tensor tensor, int axis)
    {
        var resolved = axis < 0 ? axis + tensor.Rank : axis;
        if (resolved < 0 || resolved >= tensor.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{operation}: axis {axis} is outside tensor {tensor.Shape}");
        return resolved;
    }
}
