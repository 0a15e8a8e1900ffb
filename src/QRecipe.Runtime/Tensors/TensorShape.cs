using System;
using System.Linq;

namespace QRecipe.Runtime.Tensors;

/// <summary>An immutable list of dimension sizes, row-major (the last dimension is contiguous).</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] dimensions;

    public TensorShape(params int[] dimensions)
    {
        foreach (var d in dimensions)
        {
            if (d < 0)
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"negative dimension in [{string.Join(", ", dimensions)}]");
        }

        this.dimensions = (int[])dimensions.Clone();
        long count = 1;
        foreach (var d in dimensions)
            count = checked(count * d);
        ElementCount = count;
    }

    public int Rank => dimensions.Length;

    public long ElementCount { get; }

    public int this[int axis] => dimensions[axis < 0 ? axis + dimensions.Length : axis];

    /// <summary>The last dimension (the contiguous one); 1 for a scalar.</summary>
    public int Last => dimensions.Length == 0 ? 1 : dimensions[^1];

    /// <summary>Product of all dimensions but the last: the number of rows when viewed as a matrix.</summary>
    public long Rows => Last == 0 ? 0 : ElementCount / Last;

    public int[] ToArray() => (int[])dimensions.Clone();

    /// <summary>Product of the dimensions in [from, to).</summary>
    public long Product(int from, int to)
    {
        long p = 1;
        for (var i = from; i < to; i++)
            p *= dimensions[i];
        return p;
    }

    public TensorShape With(int axis, int size)
    {
        var copy = ToArray();
        copy[axis] = size;
        return new TensorShape(copy);
    }

    public bool Equals(TensorShape? other) => other is not null && dimensions.AsSpan().SequenceEqual(other.dimensions);

    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    public override int GetHashCode() => dimensions.Aggregate(17, HashCode.Combine);

    public override string ToString() => "[" + string.Join(", ", dimensions) + "]";
}
