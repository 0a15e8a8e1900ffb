using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan.Text;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// One tensor of a loaded state dict. The data stays in the (memory-mapped) file until <see cref="CopyTo"/>
/// decodes it, as float32 in row-major order, into a buffer the caller owns, so the tensor layer can fill its
/// own storage without an intermediate copy.
/// </summary>
public abstract class CheckpointEntry
{
    private protected CheckpointEntry(string name, CheckpointDType dtype, IReadOnlyList<int> shape, string? storedName = null)
    {
        Name = name;
        StoredName = storedName ?? name;
        DType = dtype;
        Shape = shape;
        long count = 1;
        foreach (int dim in shape)
            count = checked(count * dim);
        ElementCount = count;
    }

    public string Name { get; }

    /// <summary>The name in the file; it differs from <see cref="Name"/> after a key-layout mapping.</summary>
    public string StoredName { get; }

    /// <summary>The stored element type (the data is widened to float32 when copied).</summary>
    public CheckpointDType DType { get; }

    public IReadOnlyList<int> Shape { get; }

    public long ElementCount { get; }

    /// <summary>Decodes the tensor into <paramref name="destination"/>, which must hold exactly <see cref="ElementCount"/> floats.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length != ElementCount)
            throw new ArgumentException(
                $"{SafeText.Quote(Name)} has {ElementCount} elements but the destination holds {destination.Length}", nameof(destination));
        CopyToCore(destination);
    }

    /// <summary>
    /// <see cref="CopyTo"/> for model weights, which must be finite: a NaN or an infinity is refused with a
    /// <see cref="CheckpointException"/> naming <paramref name="file"/>, the tensor and its first bad element. The check
    /// is one vectorised pass over the decoded values.
    /// </summary>
    public void CopyFiniteTo(Span<float> destination, string file)
    {
        CopyTo(destination);
        var count = FiniteValues.CountNonFinite(destination);
        if (count == 0)
            return;
        var first = FiniteValues.FirstNonFinite(destination);
        var (stored, element) = Source(first);
        var position = FiniteValues.Position(element, stored.Shape);
        var where = stored.StoredName == Name ? position : $"{position} of '{stored.StoredName}'";
        throw new CheckpointException(file,
            $"{count} of the {ElementCount} values of tensor '{Name}' are NaN or infinite, the first {FiniteValues.Describe(destination[(int)first])} at {where}; the weights must be finite");
    }

    /// <summary>The tensor as a new float32 array (a convenience for tests and small tensors).</summary>
    public float[] ToArray()
    {
        var values = new float[ElementCount];
        CopyToCore(values);
        return values;
    }

    /// <summary>For messages: the name escaped (<see cref="SafeText"/>), the dtype and the shape.</summary>
    public override string ToString() => $"{SafeText.Escape(Name)} {DType} {FormatShape(Shape)}";

    /// <summary>Shapes are written like PyTorch prints them, e.g. [3456, 1152]; a file may declare thousands of
    /// dimensions, so the list is cut (<see cref="ShortList"/>).</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + ShortList.Join(", ", shape) + "]";

    internal static bool SameShape(IReadOnlyList<int> a, IReadOnlyList<int> b) => a.SequenceEqual(b);

    /// <summary>The same data under another key (layout mapping); <see cref="StoredName"/> stays.</summary>
    internal abstract CheckpointEntry WithName(string name);

    /// <summary>The tensor of the file that holds element <paramref name="element"/> (row-major) of this one, and the
    /// element's index there.</summary>
    internal virtual (CheckpointEntry Stored, long Element) Source(long element) => (this, element);

    private protected abstract void CopyToCore(Span<float> destination);
}
