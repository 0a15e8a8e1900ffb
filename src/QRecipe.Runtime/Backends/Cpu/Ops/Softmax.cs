using System;
using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Softmax over the last axis, stabilised by subtracting the row maximum first (so exp never overflows and
/// |x| up to float max gives no NaN); the DiT applies it over the keys of the attention scores.</summary>
internal static unsafe class Softmax
{
    public static void Run(float* input, float* output, int rows, int width) =>
        RowParallel.For(rows, (long)rows * width, new RowOperands { X = input, Output = output, Width = width }, &Rows);

    private static void Rows(in RowOperands o, int start, int end)
    {
        var w = o.Width;
        var lanes = Vector<float>.Count;
        for (var r = start; r < end; r++)
        {
            var x = o.X + (nint)r * w;
            var y = o.Output + (nint)r * w;
            var max = VectorMath.Max(x, w);
            var shift = new Vector<float>(max);
            var sums = Vector<float>.Zero;
            var i = 0;
            for (; i <= w - lanes; i += lanes)
            {
                var e = VectorExp.Exp(Vector.Load(x + i) - shift);
                e.Store(y + i);
                sums += e;
            }

            var sum = Vector.Sum(sums);
            for (; i < w; i++)
            {
                y[i] = MathF.Exp(x[i] - max);
                sum += y[i];
            }

            VectorMath.Scale(y, w, 1f / sum);
        }
    }
}
