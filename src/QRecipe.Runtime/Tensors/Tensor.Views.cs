using System;

namespace QRecipe.Runtime.Tensors;

/// <summary>Views that share storage: every view is itself a contiguous row-major tensor, so only reshapes and
/// ranges of the leading axis are views; anything else (chunks of an inner axis) is a copy made by a backend.</summary>
public sealed unsafe partial class Tensor
{
    /// <summary>The same elements under another shape; one dimension may be -1 (inferred).</summary>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = ResolveInferred(shape);
        if (resolved.ElementCount != ElementCount)
            throw new ShapeMismatchException(nameof(Reshape), Shape, resolved, "element counts must be equal");
        return ViewAt(0, resolved);
    }

    /// <summary>Elements [start, start+length) of axis 0 (TorchSharp's narrow(0, start, length)).</summary>
    public Tensor Slice(int start, int length)
    {
        if (Rank == 0 || start < 0 || length < 0 || start + length > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: range [{start}, {start + length}) is outside axis 0 of {Shape}");
        var dims = Shape.ToArray();
        dims[0] = length;
        return ViewAt(start * RowBytes(), new TensorShape(dims));
    }

    /// <summary>Index <paramref name="index"/> of axis 0, with that axis removed.</summary>
    public Tensor Select(int index)
    {
        if (Rank == 0 || index < 0 || index >= Shape[0])
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is outside axis 0 of {Shape}");
        return ViewAt(index * RowBytes(), new TensorShape(Shape.ToArray()[1..]));
    }

    private nint RowBytes() => (nint)(Shape.Product(1, Rank) * DataType.SizeInBytes());

    private Tensor ViewAt(nint extraBytes, TensorShape shape)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        storage.AddReference();
        return new Tensor(storage, byteOffset + extraBytes, shape, DataType);
    }

    private TensorShape ResolveInferred(int[] shape)
    {
        var inferred = Array.IndexOf(shape, -1);
        if (inferred < 0)
            return new TensorShape(shape);
        var dims = (int[])shape.Clone();
        dims[inferred] = 1;
        var known = new TensorShape(dims).ElementCount;
        if (known == 0 || ElementCount % known != 0)
            throw new ShapeMismatchException(nameof(Reshape), Shape, new TensorShape(dims), "cannot infer the -1 dimension");
        dims[inferred] = (int)(ElementCount / known);
        return new TensorShape(dims);
    }
}
