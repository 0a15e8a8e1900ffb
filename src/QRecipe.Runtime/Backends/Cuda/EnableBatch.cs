using System;
using System.Collections.Generic;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>The codes the enable kernels read (boundaries and signs) of equally shaped slices, a's slices and b's
/// slices each laid end to end, as one upload.</summary>
internal sealed record EnableBatch(ushort[] BoundaryA, sbyte[] SignA, ushort[] BoundaryB, sbyte[] SignB, int Slices, int N, int M, int Dims)
{
    /// <summary>Slices with a's and b's shapes of the first (the caller checks); one slice is not copied.</summary>
    public static EnableBatch Of(IReadOnlyList<ScCodes> a, IReadOnlyList<ScCodes> b)
    {
        var (n, m, dims) = (a[0].Rows, b[0].Rows, a[0].Dims);
        if (a.Count == 1)
            return new EnableBatch(a[0].Boundary, a[0].Sign, b[0].Boundary, b[0].Sign, 1, n, m, dims);
        return new EnableBatch(Join(a, c => c.Boundary, n * dims), Join(a, c => c.Sign, n * dims),
            Join(b, c => c.Boundary, m * dims), Join(b, c => c.Sign, m * dims), a.Count, n, m, dims);
    }

    private static T[] Join<T>(IReadOnlyList<ScCodes> slices, Func<ScCodes, T[]> field, int perSlice)
    {
        var joined = new T[slices.Count * perSlice];
        for (var s = 0; s < slices.Count; s++)
            field(slices[s]).AsSpan(0, perSlice).CopyTo(joined.AsSpan(s * perSlice));
        return joined;
    }
}
