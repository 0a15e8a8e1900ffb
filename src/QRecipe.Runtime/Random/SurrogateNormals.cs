using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Randomness;

/// <summary>
/// The float32 normals of the SC noise surrogate: four per Philox4x32-10 block, about a quarter of the cost of
/// <see cref="PhiloxRandom"/>'s double-precision Box–Muller. Every output of a surrogate call draws one, so their
/// cost decides how close the surrogate gets to a plain GEMM.
/// <list type="bullet">
/// <item>Normal i of (seed, stream) comes from block i/4 of the stream (<see cref="PhiloxRandom.BlockAt"/>): normals
/// 4j, 4j+1 from the word pair (x0, x1) of block j, normals 4j+2, 4j+3 from (x2, x3).</item>
/// <item>A pair (u, v) gives r·cos(2πv'), r·sin(2πv') with r = sqrt(−2 ln(1 − u')), u' = (u &gt;&gt; 8)·2^-24 and
/// v' = (v &gt;&gt; 8)·2^-24: 24-bit uniforms, exact in float32, so |z| ≤ sqrt(2·24·ln 2) ≈ 5.77.</item>
/// <item>ln, sin and cos are fixed float32 polynomials below, written as fused multiply-adds; every other step is one
/// correctly rounded IEEE float operation. The value of each normal is therefore defined by this text alone: the
/// scalar code, the AVX-512 code and the CUDA kernel (src/QRecipe.Runtime.Cuda/Kernels/random.cu) give the same bits. Accuracy against the
/// exact Box–Muller of the same uniforms: a few float ulps (checked by the tests).</item>
/// </list>
/// </summary>
public static class SurrogateNormals
{
    private const float TwoPow24Inv = 1f / (1 << 24);
    private const float Sqrt2 = 1.41421356f;
    private const float Ln2Hi = 0.693145752f; // 0x3F317200: e·Ln2Hi is exact for the |e| ≤ 24 that occur
    private const float Ln2Lo = 1.42860677e-6f;
    private const float TurnStep = (float)(2 * Math.PI / (1 << 24)); // radians per 2^-24 of a turn

    // ln m = 2s + 2s·z·(1/3 + z/5 + z²/7 + z³/9 + z⁴/11), s = f/(2+f), z = s² ≤ 0.0295: next term < 2^-31.
    private const float L3 = 1f / 3, L5 = 1f / 5, L7 = 1f / 7, L9 = 1f / 9, L11 = 1f / 11;
    // Taylor series on |y| ≤ π/4: sin to y⁹, cos to y¹⁰ (remainders below 2^-28).
    private const float S3 = -1f / 6, S5 = 1f / 120, S7 = -1f / 5040, S9 = 1f / 362880;
    private const float C2 = -1f / 2, C4 = 1f / 24, C6 = -1f / 720, C8 = 1f / 40320, C10 = -1f / 3628800;

    /// <summary>Normals <paramref name="first"/> .. first + length − 1 of (seed, stream), on the calling thread.</summary>
    public static void At(ulong seed, ulong stream, long first, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        var k = 0;
        while (k < destination.Length && ((first + k) & 3) != 0)
        {
            destination[k] = One(seed, stream, first + k);
            k++;
        }

        if (Avx512F.IsSupported)
        {
            for (; k + 32 <= destination.Length; k += 32)
                ThirtyTwo(seed, stream, (ulong)(first + k) / 4, destination.Slice(k, 32));
        }

        for (; k < destination.Length; k++)
            destination[k] = One(seed, stream, first + k);
    }

    /// <summary>Normal <paramref name="index"/> of (seed, stream): the reference every faster path equals.</summary>
    public static float One(ulong seed, ulong stream, long index)
    {
        var block = PhiloxRandom.BlockAt(seed, stream, (ulong)index / 4);
        var second = (index & 2) != 0;
        var (u, v) = second ? (block.X2, block.X3) : (block.X0, block.X1);
        var radius = MathF.Sqrt(-2f * Ln(1f - (u >> 8) * TwoPow24Inv));
        var (sin, cos) = SinCosOfTurn((int)(v >> 8));
        return radius * ((index & 1) == 0 ? cos : sin);
    }

    /// <summary>ln x for x in [2^-24, 1]: x = 2^e·m with m in [√½, √2), f = m − 1 exact.</summary>
    private static float Ln(float x)
    {
        var bits = BitConverter.SingleToUInt32Bits(x);
        var exponent = (int)(bits >> 23) - 127;
        var mantissa = BitConverter.UInt32BitsToSingle((bits & 0x7F_FFFF) | 0x3F80_0000);
        if (mantissa >= Sqrt2)
        {
            mantissa *= 0.5f;
            exponent++;
        }

        var f = mantissa - 1f;
        var s = f / (2f + f);
        var z = s * s;
        var twoS = 2f * s;
        var series = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(L11, z, L9), z, L7), z, L5), z, L3);
        var lnM = MathF.FusedMultiplyAdd(twoS * z, series, twoS);
        var e = (float)exponent;
        return MathF.FusedMultiplyAdd(e, Ln2Hi, MathF.FusedMultiplyAdd(e, Ln2Lo, lnM));
    }

    /// <summary>sin and cos of 2π·t·2^-24 for t in [0, 2^24): t = q·2^22 + r with |r| ≤ 2^21 exactly in integers, y = r·2π·2^-24
    /// (one rounding), then the quadrant q mod 4.</summary>
    private static (float Sin, float Cos) SinCosOfTurn(int t)
    {
        var quadrant = (t + (1 << 21)) >> 22;
        var y = (t - (quadrant << 22)) * TurnStep;
        var y2 = y * y;
        var sinSeries = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(S9, y2, S7), y2, S5), y2, S3);
        var sin = MathF.FusedMultiplyAdd(y * y2, sinSeries, y);
        var cosSeries = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(C10, y2, C8), y2, C6), y2, C4), y2, C2);
        var cos = MathF.FusedMultiplyAdd(y2, cosSeries, 1f);
        return (quadrant & 3) switch
        {
            0 => (sin, cos),
            1 => (cos, -sin),
            2 => (-sin, -cos),
            _ => (-cos, sin),
        };
    }

    /// <summary>Normals 4·firstBlock .. + 31 (eight blocks): the pairs of <see cref="One"/> on 16 lanes, the same
    /// operations lane by lane.</summary>
    private static void ThirtyTwo(ulong seed, ulong stream, ulong firstBlock, Span<float> destination)
    {
        var (x0, x1, x2, x3) = PhiloxNormals512.Blocks(seed, stream, firstBlock);
        // Lanes 0-7: the (x0, x1) pairs of blocks 0-7; lanes 8-15: their (x2, x3) pairs.
        var u = Vector512.Narrow(x0, x2) >>> 8;
        var v = (Vector512.Narrow(x1, x3) >>> 8).AsInt32();
        var radius = Vector512.Sqrt(Vector512.Create(-2f) * Ln(Vector512<float>.One - Vector512.ConvertToSingle(u.AsInt32()) * Vector512.Create(TwoPow24Inv)));
        var (sin, cos) = SinCosOfTurn(v);
        var zCos = radius * cos;
        var zSin = radius * sin;
        // Block b's normals 4b..4b+3 are cos[b], sin[b], cos[8+b], sin[8+b].
        var order = Vector512.Create(0, 16, 8, 24, 1, 17, 9, 25, 2, 18, 10, 26, 3, 19, 11, 27);
        Avx512F.PermuteVar16x32x2(zCos, order, zSin).CopyTo(destination);
        Avx512F.PermuteVar16x32x2(zCos, order + Vector512.Create(4), zSin).CopyTo(destination[16..]);
    }

    private static Vector512<float> Ln(Vector512<float> x)
    {
        var bits = x.AsUInt32();
        var exponent = (bits >>> 23).AsInt32() - Vector512.Create(127);
        var mantissa = ((bits & Vector512.Create(0x7F_FFFFu)) | Vector512.Create(0x3F80_0000u)).AsSingle();
        var large = Vector512.GreaterThanOrEqual(mantissa, Vector512.Create(Sqrt2));
        mantissa = Vector512.ConditionalSelect(large, mantissa * Vector512.Create(0.5f), mantissa);
        exponent -= large.AsInt32();
        var f = mantissa - Vector512<float>.One;
        var s = f / (Vector512.Create(2f) + f);
        var z = s * s;
        var twoS = Vector512.Create(2f) * s;
        var series = Vector512.FusedMultiplyAdd(Vector512.Create(L11), z, Vector512.Create(L9));
        series = Vector512.FusedMultiplyAdd(series, z, Vector512.Create(L7));
        series = Vector512.FusedMultiplyAdd(series, z, Vector512.Create(L5));
        series = Vector512.FusedMultiplyAdd(series, z, Vector512.Create(L3));
        var lnM = Vector512.FusedMultiplyAdd(twoS * z, series, twoS);
        var e = Vector512.ConvertToSingle(exponent);
        return Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Hi), Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Lo), lnM));
    }

    private static (Vector512<float> Sin, Vector512<float> Cos) SinCosOfTurn(Vector512<int> t)
    {
        var quadrant = (t + Vector512.Create(1 << 21)) >> 22;
        var y = Vector512.ConvertToSingle(t - (quadrant << 22)) * Vector512.Create(TurnStep);
        var y2 = y * y;
        var sinSeries = Vector512.FusedMultiplyAdd(Vector512.Create(S9), y2, Vector512.Create(S7));
        sinSeries = Vector512.FusedMultiplyAdd(sinSeries, y2, Vector512.Create(S5));
        sinSeries = Vector512.FusedMultiplyAdd(sinSeries, y2, Vector512.Create(S3));
        var sin = Vector512.FusedMultiplyAdd(y * y2, sinSeries, y);
        var cosSeries = Vector512.FusedMultiplyAdd(Vector512.Create(C10), y2, Vector512.Create(C8));
        cosSeries = Vector512.FusedMultiplyAdd(cosSeries, y2, Vector512.Create(C6));
        cosSeries = Vector512.FusedMultiplyAdd(cosSeries, y2, Vector512.Create(C4));
        cosSeries = Vector512.FusedMultiplyAdd(cosSeries, y2, Vector512.Create(C2));
        var cos = Vector512.FusedMultiplyAdd(y2, cosSeries, Vector512<float>.One);

        var odd = Vector512.Equals(quadrant & Vector512<int>.One, Vector512<int>.One).AsSingle();
        var sinBase = Vector512.ConditionalSelect(odd, cos, sin);
        var cosBase = Vector512.ConditionalSelect(odd, sin, cos);
        var q = quadrant & Vector512.Create(3);
        var signBit = Vector512.Create(-0f);
        var negateSin = Vector512.GreaterThanOrEqual(q, Vector512.Create(2)).AsSingle() & signBit;
        var negateCos = (Vector512.Equals(q, Vector512<int>.One) | Vector512.Equals(q, Vector512.Create(2))).AsSingle() & signBit;
        return (sinBase ^ negateSin, cosBase ^ negateCos);
    }
}
