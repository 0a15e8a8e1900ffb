using System;
using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Gemm;

namespace QRecipe.Runtime.Quantization;

/// <summary>Products on plain arrays for the quantizers: the α search's and the low-rank SVD's c = a·bᵀ and the float64 dot product of the
/// Cholesky factorisation.</summary>
internal static class DenseMath
{
    /// <summary>c = a·bᵀ with a [m, k], b [n, k] row-major, through the packed SGEMM (b read transposed in place).</summary>
    public static unsafe float[] MultiplyTransposed(float[] a, int m, float[] b, int n, int k)
    {
        var c = new float[(long)m * n];
        fixed (float* ap = a)
        fixed (float* bp = b)
        fixed (float* cp = c)
            Sgemm.Multiply(new GemmProblem(m, n, k, 1f, MatrixView.RowMajor(ap, k, false), MatrixView.RowMajor(bp, k, true), cp, n, null));
        return c;
    }

    /// <summary>Float64 dot product, vectorised.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var acc = Vector<double>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
            acc += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
        var sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
