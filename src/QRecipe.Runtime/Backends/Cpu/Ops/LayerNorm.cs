using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>LayerNorm over the last axis without affine parameters (docs/dit.md): (x − mean) / sqrt(var + eps) with the
/// biased variance. Two passes (mean, then squared deviations) keep it accurate for |x| up to 1e4 and beyond.</summary>
internal static unsafe class LayerNorm
{
    public static void Run(float* input, float* output, int rows, int width, float epsilon) =>
        RowParallel.For(rows, (long)rows * width,
            new RowOperands { X = input, Output = output, Width = width, Scalar = epsilon }, &Rows);

    private static void Rows(in RowOperands o, int start, int end)
    {
        var w = o.Width;
        var lanes = Vector<float>.Count;
        for (var r = start; r < end; r++)
        {
            var x = o.X + (nint)r * w;
            var y = o.Output + (nint)r * w;
            var mean = VectorMath.Sum(x, w) / w;
            var variance = VectorMath.SumOfSquaredDeviations(x, w, mean) / w;
            var inverse = 1f / MathF.Sqrt(variance + o.Scalar);
            var m = new Vector<float>(mean);
            var s = new Vector<float>(inverse);
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var m16 = Vector512.Create(mean);
                var s16 = Vector512.Create(inverse);
                for (; i <= w - 16; i += 16)
                    ((Vector512.Load(x + i) - m16) * s16).Store(y + i);
            }
            for (; i <= w - lanes; i += lanes)
                ((Vector.Load(x + i) - m) * s).Store(y + i);
            for (; i < w; i++)
                y[i] = (x[i] - mean) * inverse;
        }
    }
}
