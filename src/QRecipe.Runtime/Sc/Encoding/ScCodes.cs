using System;
using System.Collections.Generic;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>
/// An operand in the SC domain (docs/sc-engine.md), rows × dims row-major: enable-grid boundary and sign per element,
/// dequantization scale per row. Unipolar operands also carry the zero point and the exact integer row sum per row;
/// their signs are all +1.
/// </summary>
public sealed class ScCodes
{
    public ScCodes(int rows, int dims, bool unipolar)
    {
        Rows = rows;
        Dims = dims;
        // Every quantizer writes every element, so the arrays need no zeroing.
        Boundary = GC.AllocateUninitializedArray<ushort>(rows * dims);
        Value = GC.AllocateUninitializedArray<short>(rows * dims);
        Sign = GC.AllocateUninitializedArray<sbyte>(rows * dims);
        Scale = new double[rows];
        if (unipolar)
        {
            ZeroPoint = new float[rows];
            RowSum = new long[rows];
        }
    }

    private ScCodes(ScCodes source)
    {
        Rows = source.Rows;
        Dims = source.Dims;
        Boundary = [];
        Value = [];
        Sign = [];
        Scale = source.Scale;
        ZeroPoint = source.ZeroPoint;
        RowSum = source.RowSum;
    }

    /// <summary>The same operand without its per-element arrays: what the decode needs once a prepared weight's
    /// row-table entries hold everything the kernel reads (7 bytes per element down to the entries' 2).</summary>
    internal ScCodes ScalesOnly() => new(this);

    /// <summary>False for <see cref="ScalesOnly"/> codes.</summary>
    internal bool HasElements => Boundary.Length == Rows * Dims;

    /// <summary><paramref name="previous"/> when it has this shape and kind (its row sums zeroed: unipolar quantizers
    /// add into them), else a new operand. Every quantizer writes every other element.</summary>
    internal static ScCodes Reuse(ScCodes? previous, int rows, int dims, bool unipolar)
    {
        if (previous is null || previous.Rows != rows || previous.Dims != dims || (previous.ZeroPoint is not null) != unipolar)
            return new ScCodes(rows, dims, unipolar);
        previous.RowSum?.AsSpan().Clear();
        return previous;
    }

    public int Rows { get; }
    public int Dims { get; }
    public ushort[] Boundary { get; }
    /// <summary>The integer x_int itself (signed for bipolar); the legacy kernels re-map it to their own grid.</summary>
    public short[] Value { get; }
    public sbyte[] Sign { get; }
    /// <summary>Per-row scale. fp32 values except on the per-tensor path, whose scalars scmp keeps in double.</summary>
    public double[] Scale { get; }
    public float[]? ZeroPoint { get; }
    public long[]? RowSum { get; }

    /// <summary>Rows [first, first + count) as a new operand (per-tensor 3-D: one global range, one call per slice).</summary>
    public ScCodes Slice(int first, int count)
    {
        var slice = new ScCodes(count, Dims, ZeroPoint is not null);
        var elements = (first * Dims)..((first + count) * Dims);
        Boundary.AsSpan(elements).CopyTo(slice.Boundary);
        Value.AsSpan(elements).CopyTo(slice.Value);
        Sign.AsSpan(elements).CopyTo(slice.Sign);
        Scale.AsSpan(first, count).CopyTo(slice.Scale);
        ZeroPoint?.AsSpan(first, count).CopyTo(slice.ZeroPoint!);
        RowSum?.AsSpan(first, count).CopyTo(slice.RowSum!);
        return slice;
    }

    /// <summary>The listed rows, in list order, as a new operand (a weight group's rows of b).</summary>
    public ScCodes Gather(IReadOnlyList<int> rows)
    {
        var gathered = new ScCodes(rows.Count, Dims, ZeroPoint is not null);
        for (var r = 0; r < rows.Count; r++)
        {
            var (from, to) = (rows[r] * Dims, r * Dims);
            Boundary.AsSpan(from, Dims).CopyTo(gathered.Boundary.AsSpan(to, Dims));
            Value.AsSpan(from, Dims).CopyTo(gathered.Value.AsSpan(to, Dims));
            Sign.AsSpan(from, Dims).CopyTo(gathered.Sign.AsSpan(to, Dims));
            gathered.Scale[r] = Scale[rows[r]];
            if (ZeroPoint is not null)
                (gathered.ZeroPoint![r], gathered.RowSum![r]) = (ZeroPoint[rows[r]], RowSum![rows[r]]);
        }

        return gathered;
    }

    /// <summary>The boundary in exact integer arithmetic: round_half_even(x·G/qmax) = floor((2·x·G + qmax) / (2·qmax)).</summary>
    public static ushort ToBoundary(int magnitude, int grid, int qmax) =>
        (ushort)((2L * magnitude * grid + qmax) / (2L * qmax));
}
