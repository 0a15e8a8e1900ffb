using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>
/// The element step of bipolar quantization (docs/sc-engine.md): x_int = clamp(round_half_even(x / scale) or
/// (x · inv), ±qmax), sign, and boundary = floor((2·|x_int|·G + qmax) / (2·qmax)). The AVX-512 path evaluates the
/// boundary with one fp32 division, exact for p ≤ 10: the numerator is an integer below 2^24 and the quotient is at
/// least 1/(2·qmax) away from an integer, far more than its rounding error (≤ G·2^-24).
/// </summary>
internal static class BipolarRow
{
    /// <summary>Forces the scalar path (tests compare both).</summary>
    internal static bool ForceScalar { get; set; }

    public static void Quantize(ReadOnlySpan<float> x, float factor, bool divide, ScCodes codes, int offset, in ScGeometry g)
    {
        var i = 0;
        if (!ForceScalar && Avx512F.IsSupported && g.P <= 10)
            i = QuantizeAvx512(x, factor, divide, codes, offset, g);
        var boundaries = ScQuantizer.BoundaryTable(g);
        for (; i < x.Length; i++)
        {
            var value = (int)Math.Clamp(MathF.Round(divide ? x[i] / factor : x[i] * factor), -g.QMax, g.QMax);
            codes.Value[offset + i] = (short)value;
            codes.Sign[offset + i] = (sbyte)Math.Sign(value);
            codes.Boundary[offset + i] = boundaries[Math.Abs(value)];
        }
    }

    private static unsafe int QuantizeAvx512(ReadOnlySpan<float> x, float factor, bool divide, ScCodes codes, int offset, in ScGeometry g)
    {
        var qmax = Vector512.Create((float)g.QMax);
        var twoGrid = Vector512.Create(2f * g.G);
        var twoQmax = Vector512.Create(2f * g.QMax);
        var scale = Vector512.Create(factor);
        var i = 0;
        fixed (float* source = x)
        fixed (short* value = codes.Value)
        fixed (sbyte* sign = codes.Sign)
        fixed (ushort* boundary = codes.Boundary)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                var v = Vector512.Load(source + i);
                var q = Vector512.Round(divide ? v / scale : v * scale);
                q = Vector512.Max(Vector512.Min(q, qmax), -qmax);
                var integer = Vector512.ConvertToInt32(q);
                var b = Vector512.ConvertToInt32(Vector512.Floor((Vector512.Abs(q) * twoGrid + qmax) / twoQmax));
                var s = (Vector512.GreaterThan(integer, Vector512<int>.Zero) & Vector512<int>.One)
                    - (Vector512.LessThan(integer, Vector512<int>.Zero) & Vector512<int>.One);
                Avx512F.ConvertToVector256Int16(integer).Store(value + offset + i);
                Avx512F.ConvertToVector128SByte(s).Store(sign + offset + i);
                Avx512F.ConvertToVector256UInt16(b.AsUInt32()).Store(boundary + offset + i);
            }
        }

        return i;
    }
}
