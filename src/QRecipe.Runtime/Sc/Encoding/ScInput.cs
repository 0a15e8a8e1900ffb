using System;
using System.Numerics;

namespace QRecipe.Runtime.Sc.Encoding;

/// <summary>Argument checks and SmoothQuant application of an SC call (docs/sc-engine.md).</summary>
internal static class ScInput
{
    public static void Validate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d,
        ReadOnlySpan<float> smoothScales)
    {
        if (batch < 1 || n < 1 || m < 1 || d < 1)
            throw new ArgumentOutOfRangeException(nameof(d), $"SC matmul dimensions must be positive (batch {batch}, n {n}, m {m}, d {d})");
        if (a.Length != (long)batch * n * d)
            throw new ArgumentException($"operand a has {a.Length} elements, expected {batch}×{n}×{d} = {(long)batch * n * d}", nameof(a));
        if (b.Length != (long)batch * m * d)
            throw new ArgumentException($"operand b has {b.Length} elements, expected {batch}×{m}×{d} = {(long)batch * m * d}", nameof(b));
        RequireFinite(a, nameof(a));
        RequireFinite(b, nameof(b));
        ValidateSmoothScales(smoothScales, d);
    }

    /// <summary>One 2-D operand on its own (a prepared b, or the a of a call with a prepared b).</summary>
    public static void ValidateOperand(ReadOnlySpan<float> x, int rows, int d, string name)
    {
        if (rows < 1 || d < 1)
            throw new ArgumentOutOfRangeException(nameof(d), $"SC matmul dimensions must be positive (operand {name}: {rows} rows, d {d})");
        if (x.Length != (long)rows * d)
            throw new ArgumentException($"operand {name} has {x.Length} elements, expected {rows}×{d} = {(long)rows * d}", name);
        RequireFinite(x, name);
    }

    /// <summary>A caller's output buffer must hold exactly the product.</summary>
    public static void RequireOutput(Span<float> output, long elements)
    {
        if (output.Length != elements)
            throw new ArgumentException($"the output has {output.Length} elements, the product {elements}", nameof(output));
    }

    private static void ValidateSmoothScales(ReadOnlySpan<float> smoothScales, int d)
    {
        if (smoothScales.IsEmpty)
            return;
        if (smoothScales.Length != d)
            throw new ArgumentException($"smooth scales have {smoothScales.Length} entries, expected d = {d}", nameof(smoothScales));
        for (var j = 0; j < d; j++)
        {
            if (!float.IsFinite(smoothScales[j]) || smoothScales[j] <= 0)
                throw new ArgumentException($"smooth scale {j} is {smoothScales[j]}; scales must be finite and positive", nameof(smoothScales));
        }
    }

    /// <summary>a ← a / s and b ← b · s along the last axis, in fp32, before any quantization; null when
    /// there are no scales (the operands are used as given).</summary>
    public static (float[]? A, float[]? B) Smooth(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> s)
    {
        if (s.IsEmpty)
            return (null, null);
        var sa = a.ToArray();
        var sb = b.ToArray();
        for (var i = 0; i < sa.Length; i++)
            sa[i] /= s[i % s.Length];
        for (var i = 0; i < sb.Length; i++)
            sb[i] *= s[i % s.Length];
        return (sa, sb);
    }

    /// <summary>Whole vectors are tested for an all-ones exponent (NaN or ±∞); the scalar loop resumes at the first
    /// vector that has one, so the message names the first bad element.</summary>
    private static void RequireFinite(ReadOnlySpan<float> x, string name)
    {
        var i = 0;
        var exponent = new Vector<int>(0x7F80_0000);
        for (; i + Vector<int>.Count <= x.Length; i += Vector<int>.Count)
        {
            if (Vector.EqualsAny(Vector.AsVectorInt32(new Vector<float>(x[i..])) & exponent, exponent))
                break;
        }

        for (; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i]))
                throw new ArgumentException($"operand {name} has a non-finite value {x[i]} at flat index {i}; SC quantization needs finite inputs", name);
        }
    }
}
