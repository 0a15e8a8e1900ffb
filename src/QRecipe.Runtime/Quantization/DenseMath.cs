using System;
using System.Numerics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization;

/// <summary>The one matrix product the α search needs, on plain arrays (the quantizers do not depend on the tensor
/// layer): c = a·bᵀ with a [m, k], b [n, k] row-major, rows of c in parallel, float32 dots.</summary>
internal static class DenseMath
{
    public static float[] MultiplyTransposed(float[] a, int m, float[] b, int n, int k)
    {
        var c = new float[(long)m * n];
        Parallel.For(0, m, i =>
        {
            var row = new ReadOnlySpan<float>(a, i * k, k);
            for (var j = 0; j < n; j++) c[(long)i * n + j] = Dot(row, new ReadOnlySpan<float>(b, j * k, k));
        });
        return c;
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var acc = Vector<float>.Zero;
        var i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            acc += new Vector<float>(x[i..]) * new Vector<float>(y[i..]);
        var sum = Vector.Sum(acc);
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
