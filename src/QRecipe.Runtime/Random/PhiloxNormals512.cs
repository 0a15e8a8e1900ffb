using System;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Randomness;

/// <summary>
/// <see cref="PhiloxRandom.NormalsAt"/> for eight Philox blocks (16 normals) at a time with AVX-512, giving the same
/// float32 values as the scalar Box–Muller on Math.Log/Sqrt/Cos/Sin:
/// <list type="bullet">
/// <item>Philox rounds, the 53-bit uniforms, 1 − u, 2π·v, the square root and every product are exact or correctly
/// rounded IEEE operations, identical lane by lane.</item>
/// <item>log, cos and sin are our own polynomials (atanh series; Taylor after a three-part π/2 reduction), accurate to a
/// few double ulps, relatively, over the whole domain, as the platform's are (≤ 1 ulp for glibc's).</item>
/// <item>The two paths' doubles therefore differ by far less than 2^-39 relatively. A lane is stored only when the
/// whole interval final ± 2^-39·(|std·z| + |final|) rounds to one float (rounding is monotonic, so the scalar value
/// rounds to it too); otherwise (about 1 lane in 30000, and at exact zeros) the lane is recomputed by the scalar
/// code.</item>
/// </list>
/// </summary>
internal static class PhiloxNormals512
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;
    private const double TwoPow53Inv = 1.0 / (1UL << 53);

    // π/2 = P1 + P2 + P3 to ~2^-160; k·P1 is exact in the fused multiply-add for the k ≤ 4 that occur.
    private const double HalfPi1 = 1.5707963267948966;
    private const double HalfPi2 = 6.123233995736766e-17;
    private const double HalfPi3 = -1.4973849048591698e-33;
    private const double Ln2Hi = 0.6931471805599453;
    private const double Ln2Lo = 2.3190468138462996e-17;
    private const double Sqrt2 = 1.4142135623730951;
    private const double Margin = 1.0 / (1L << 39);

    /// <summary>1/(2k+1) for k = 0..11: the atanh series.</summary>
    private static readonly double[] OddReciprocals = [.. Enumerable.Range(0, 12).Select(k => 1.0 / (2 * k + 1))];

    /// <summary>1/n! for n = 0..16: the Taylor coefficients of sin and cos.</summary>
    private static readonly double[] InverseFactorials = [.. Enumerable.Range(0, 17).Select(n => 1.0 / Enumerable.Range(1, n).Aggregate(1.0, (p, i) => p * i))];

    public static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>Normals 2·firstBlock .. 2·firstBlock + 15 as mean + std·z, in stream order.</summary>
    public static void Sixteen(ulong seed, ulong stream, ulong firstBlock, float mean, float std, Span<float> destination)
    {
        var (c0, c1, c2, c3) = Blocks(seed, stream, firstBlock);
        var u = Uniform(c0, c1);
        var v = Uniform(c2, c3);
        var radius = Vector512.Sqrt(Vector512.Create(-2.0) * Log(Vector512<double>.One - u));
        var (sin, cos) = SinCos(Vector512.Create(2.0 * Math.PI) * v);
        var scaled0 = Vector512.Create((double)std) * (radius * cos);
        var scaled1 = Vector512.Create((double)std) * (radius * sin);
        var final0 = Vector512.Create((double)mean) + scaled0;
        var final1 = Vector512.Create((double)mean) + scaled1;
        var margin0 = Vector512.Create(Margin) * (Vector512.Abs(scaled0) + Vector512.Abs(final0));
        var margin1 = Vector512.Create(Margin) * (Vector512.Abs(scaled1) + Vector512.Abs(final1));
        var value = Vector512.Narrow(final0, final1);
        var low = Vector512.Narrow(final0 - margin0, final1 - margin1);
        var high = Vector512.Narrow(final0 + margin0, final1 + margin1);
        var safe = Vector512.Equals(low, high) & ~Vector512.Equals(value, Vector512<float>.Zero);
        var interleaved = Vector512.Shuffle(value, Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
        interleaved.CopyTo(destination);
        var safeInterleaved = Vector512.Shuffle(safe.AsInt32(), Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
        if (safeInterleaved == Vector512<int>.AllBitsSet)
            return;
        for (var k = 0; k < 16; k++)
        {
            if (safeInterleaved[k] == 0)
                PhiloxRandom.NormalsAt(seed, stream, (long)(2 * firstBlock) + k, destination.Slice(k, 1), mean, std);
        }
    }

    /// <summary>Philox4x32-10 of blocks firstBlock .. + 7 of the stream; lane i of word w holds word w of block
    /// firstBlock + i in its low 32 bits.</summary>
    internal static (Vector512<ulong>, Vector512<ulong>, Vector512<ulong>, Vector512<ulong>) Blocks(ulong seed, ulong stream, ulong firstBlock)
    {
        var low32 = Vector512.Create(0xFFFF_FFFFUL);
        var block = Vector512.Create(firstBlock) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        var c0 = block & low32;
        var c1 = block >>> 32;
        var c2 = Vector512.Create(stream & 0xFFFF_FFFF);
        var c3 = Vector512.Create(stream >> 32);
        var key0 = (uint)seed;
        var key1 = (uint)(seed >> 32);
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        for (var round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                key0 += W0;
                key1 += W1;
            }

            var p0 = Avx512F.Multiply(c0.AsUInt32(), m0);
            var p1 = Avx512F.Multiply(c2.AsUInt32(), m1);
            var n0 = (p1 >>> 32) ^ c1 ^ Vector512.Create((ulong)key0);
            var n2 = (p0 >>> 32) ^ c3 ^ Vector512.Create((ulong)key1);
            c1 = p1 & low32;
            c3 = p0 & low32;
            c0 = n0;
            c2 = n2;
        }

        return (c0, c1, c2, c3);
    }

    /// <summary>((high &gt;&gt; 5)·2^26 + (low &gt;&gt; 6))·2^-53, exact (53 bits).</summary>
    private static Vector512<double> Uniform(Vector512<ulong> high, Vector512<ulong> low) =>
        Vector512.ConvertToDouble(((high >>> 5) << 26) | (low >>> 6)) * Vector512.Create(TwoPow53Inv);

    /// <summary>ln x for normal positive x: x = 2^e·m with m in [√½, √2), ln m = 2·atanh(f / (2 + f)) with f = m − 1
    /// exact; the series in s² ≤ 0.0295 is cut after s^23 (next term &lt; 2^-57 relatively).</summary>
    private static Vector512<double> Log(Vector512<double> x)
    {
        var bits = x.AsUInt64();
        var exponent = (bits >>> 52).AsInt64() - Vector512.Create(1023L);
        var mantissa = ((bits & Vector512.Create(0x000F_FFFF_FFFF_FFFFUL)) | Vector512.Create(0x3FF0_0000_0000_0000UL)).AsDouble();
        var large = Vector512.GreaterThanOrEqual(mantissa, Vector512.Create(Sqrt2));
        mantissa = Vector512.ConditionalSelect(large, mantissa * Vector512.Create(0.5), mantissa);
        exponent -= large.AsInt64();
        var f = mantissa - Vector512<double>.One;
        var s = f / (Vector512.Create(2.0) + f);
        var z = s * s;
        var series = Vector512.Create(OddReciprocals[11]);
        for (var k = 10; k >= 0; k--)
            series = Vector512.FusedMultiplyAdd(series, z, Vector512.Create(OddReciprocals[k]));
        var lnM = Vector512.Create(2.0) * s * series;
        var e = Vector512.ConvertToDouble(exponent);
        return Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Hi), Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Lo), lnM));
    }

    /// <summary>sin and cos of x in [0, 2π): x = k·π/2 + y with |y| ≤ π/4 (the first step exact, as x and k·P1 are
    /// multiples of 2^-53), Taylor to y^15 / y^16 (remainders &lt; 2^-54 relatively), then the quadrant k mod 4.</summary>
    private static (Vector512<double> Sin, Vector512<double> Cos) SinCos(Vector512<double> x)
    {
        var k = Vector512.Round(x * Vector512.Create(2 / Math.PI));
        var y = Vector512.FusedMultiplyAdd(-k, Vector512.Create(HalfPi1), x);
        y = Vector512.FusedMultiplyAdd(-k, Vector512.Create(HalfPi2), y);
        y = Vector512.FusedMultiplyAdd(-k, Vector512.Create(HalfPi3), y);
        var y2 = y * y;

        var sinSeries = Vector512.Create(InverseFactorials[15]);
        for (var n = 13; n >= 3; n -= 2)
            sinSeries = Vector512.FusedMultiplyAdd(sinSeries, -y2, Vector512.Create(InverseFactorials[n]));
        var sin = Vector512.FusedMultiplyAdd(y * y2, -sinSeries, y);

        var cosSeries = Vector512.Create(InverseFactorials[16]);
        for (var n = 14; n >= 2; n -= 2)
            cosSeries = Vector512.FusedMultiplyAdd(cosSeries, -y2, Vector512.Create(InverseFactorials[n]));
        var cos = Vector512.FusedMultiplyAdd(y2, -cosSeries, Vector512<double>.One);

        var quadrant = Vector512.ConvertToInt64(k) & Vector512.Create(3L);
        var swap = Vector512.Equals(quadrant & Vector512<long>.One, Vector512<long>.One).AsDouble();
        var sinBase = Vector512.ConditionalSelect(swap, cos, sin);
        var cosBase = Vector512.ConditionalSelect(swap, sin, cos);
        var signBit = Vector512.Create(-0.0);
        var negateSin = Vector512.GreaterThanOrEqual(quadrant, Vector512.Create(2L)).AsDouble() & signBit;
        var negateCos = (Vector512.Equals(quadrant, Vector512<long>.One) | Vector512.Equals(quadrant, Vector512.Create(2L))).AsDouble() & signBit;
        return (sinBase ^ negateSin, cosBase ^ negateCos);
    }
}
