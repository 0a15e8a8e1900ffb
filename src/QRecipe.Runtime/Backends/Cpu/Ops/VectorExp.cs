using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// exp for float32 vectors, within 2 ulp: the BCL's Vector.Exp is not vectorised on .NET 10 (slower than scalar), and
/// softmax/GELU/SiLU are bound by it. Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact
/// n·ln2_hi), a degree-6 Taylor polynomial for e^r (truncation error r^7/7! ≤ 1.2e-7 relative), and 2^n applied as
/// 2·2^(n−1) built in the exponent bits (so n = 128, just below the overflow threshold, stays finite). Above
/// ln(float.MaxValue) the result is +∞; below −86.9 (e^−86.9 ≈ 2e-38, near the smallest normal float) it is 0; NaN
/// stays NaN; so callers never see NaN from a number.
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693145751953125f;
    private const float Ln2Low = 1.42860682030941723212e-6f;

    private const float OverflowInput = 88.72283905206835f;

    /// <summary>Keeps n ≥ −125, so that 2^(n−1) is a normal float.</summary>
    private const float UnderflowInput = -86.9f;

    /// <summary>Whether <see cref="Exp(Vector512{float})"/> runs on 512-bit registers (AVX-512F): .NET's
    /// <see cref="Vector{T}"/> stays 256 bits wide there, so the row kernels take the 512-bit path explicitly.</summary>
    public static bool WideSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(UnderflowInput)), new Vector<float>(OverflowInput));
        var n = Vector.Round(clamped * new Vector<float>(Log2E));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), clamped);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);
        var p = new Vector<float>(1f / 720f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        var halfScale = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(126), 23));
        var result = p * halfScale * new Vector<float>(2f);
        result = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(OverflowInput)), new Vector<float>(float.PositiveInfinity), result);
        return Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(UnderflowInput)), Vector<float>.Zero, result);
    }

    /// <summary>The same function on 16 lanes (requires <see cref="WideSupported"/>). Inputs are not clamped: lanes
    /// outside [−86.9, ln(float.MaxValue)] compute garbage that the two final selects replace, and VSCALEFPS applies
    /// 2^n to the polynomial in one instruction (exact for the normal results kept here), so a vector costs 16
    /// instructions instead of the 256-bit path's 20. The bits equal the narrow path's for every input except in
    /// [−86.9, −86.3), where that path's intermediate 2^(n−1)·p is subnormal and loses a bit (results near 3e-38).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.Create(1f / 720f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        var result = Avx512F.Scale(p, n);
        result = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(OverflowInput)), Vector512.Create(float.PositiveInfinity), result);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(UnderflowInput)), Vector512<float>.Zero, result);
    }
}
