using System;
using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Runtime.IO;

/// <summary>An array read from a NumPy <c>.npy</c> file: its shape and its values widened to float64 (every
/// supported element type converts exactly), plus the element type the file stored.</summary>
public sealed class NpyArray
{
    public NpyArray(string dtype, IReadOnlyList<int> shape, double[] values)
    {
        if (values.LongLength != shape.Aggregate(1L, (product, d) => product * d))
            throw new ArgumentException($"{values.Length} values do not fill shape ({string.Join(", ", shape)})");
        DType = dtype;
        Shape = shape;
        Values = values;
    }

    /// <summary>NumPy's type string as stored, e.g. <c>&lt;f4</c>, <c>|i1</c>.</summary>
    public string DType { get; }

    public IReadOnlyList<int> Shape { get; }

    public double[] Values { get; }

    public float[] ToSingles() => Values.Select(v => (float)v).ToArray();

    public override string ToString() => $"{DType} ({string.Join(", ", Shape)})";
}
