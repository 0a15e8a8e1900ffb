using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Tensors;

/// <summary>
/// Finds NaN and infinite float32 values: the weight check at load and the activation check after every operator of a
/// forward pass run it on every tensor, so it is one vectorised pass of integer operations. A float32 is NaN or ±∞
/// exactly when its 8 exponent bits are all ones, whatever the sign and mantissa.
/// </summary>
public static class FiniteValues
{
    private const uint ExponentBits = 0x7F80_0000;

    /// <summary>How many of the values are NaN or infinite.</summary>
    public static long CountNonFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var exponent = new Vector<uint>(ExponentBits);
        long total = 0;
        var i = 0;
        // Lane counters are 32 bits: fold them into the total before any of them could wrap.
        const int blockVectors = 1 << 20;
        while (bits.Length - i >= Vector<uint>.Count)
        {
            var vectors = MemoryMarshal.Cast<uint, Vector<uint>>(bits[i..]);
            if (vectors.Length > blockVectors)
                vectors = vectors[..blockVectors];
            var counts = Vector<uint>.Zero;
            foreach (var v in vectors)
                counts -= Vector.Equals(v & exponent, exponent); // all ones (−1) in the lanes that are not finite
            total += (long)Vector.Sum(Vector.WidenLower(counts) + Vector.WidenUpper(counts));
            i += vectors.Length * Vector<uint>.Count;
        }
        for (; i < bits.Length; i++)
            total += (bits[i] & ExponentBits) == ExponentBits ? 1 : 0;
        return total;
    }

    /// <summary>Index of the first NaN or infinite value, or −1 when all are finite.</summary>
    public static long FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                return i;
        }
        return -1;
    }

    /// <summary>A non-finite value as the messages write it: <c>NaN</c>, <c>+Inf</c> or <c>-Inf</c>.</summary>
    public static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";

    /// <summary>The position of flat index <paramref name="index"/> in a row-major tensor of <paramref name="shape"/>,
    /// written like NumPy prints an index: <c>[1, 0, 7]</c>.</summary>
    public static string Position(long index, IReadOnlyList<int> shape)
    {
        var position = new long[shape.Count];
        for (var axis = shape.Count - 1; axis >= 0; axis--)
        {
            position[axis] = shape[axis] == 0 ? 0 : index % shape[axis];
            index = shape[axis] == 0 ? 0 : index / shape[axis];
        }
        return "[" + string.Join(", ", position) + "]";
    }
}
