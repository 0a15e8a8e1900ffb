using System.Numerics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Nearest-neighbour 2× upsampling of rows of width W: each input row becomes two identical output rows of
/// width 2W with every value repeated.</summary>
internal static unsafe class Upsampling
{
    public static void Nearest2x(float* input, float* output, int rows, int width) =>
        RowParallel.For(rows, 4L * rows * width, new RowOperands { X = input, Output = output, Width = width }, &Rows);

    private static void Rows(in RowOperands o, int start, int end)
    {
        var w = o.Width;
        for (var r = start; r < end; r++)
        {
            var x = o.X + (nint)r * w;
            var y = o.Output + (nint)r * 4 * w;
            Widen(x, y, w);
            new System.ReadOnlySpan<float>(y, 2 * w).CopyTo(new System.Span<float>(y + 2 * w, 2 * w));
        }
    }

    /// <summary>y[2i] = y[2i + 1] = x[i].</summary>
    private static void Widen(float* x, float* y, int w)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && Vector<float>.Count == 8)
        {
            for (; i <= w - 4; i += 4)
            {
                float a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
                new Vector<float>([a, a, b, b, c, c, d, d]).Store(y + 2 * i);
            }
        }

        for (; i < w; i++)
        {
            y[2 * i] = x[i];
            y[2 * i + 1] = x[i];
        }
    }
}
