using System;

namespace QRecipe.Runtime.Tensors;

/// <summary>Thrown when an operation gets tensors whose shapes do not fit together; the message names the
/// operation and both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(string operation, TensorShape first, TensorShape second, string requirement)
        : base($"{operation}: shapes {first} and {second} do not match ({requirement})")
    {
        Operation = operation;
        First = first;
        Second = second;
    }

    public string Operation { get; }

    public TensorShape First { get; }

    public TensorShape Second { get; }

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void ThrowUnless(bool condition, string operation, TensorShape first, TensorShape second, string requirement)
    {
        if (!condition)
            throw new ShapeMismatchException(operation, first, second, requirement);
    }
}
