using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Binary elementwise operations. The second operand either has as many elements as the first or repeats
/// over it (its shape is a suffix of the first's, e.g. a bias row). 16 lanes on AVX-512 first, then
/// <see cref="Vector{T}"/> lanes, then scalars.</summary>
internal static unsafe class Elementwise
{
    private const int Chunk = 1 << 14;

    public static void Add(float* a, float* b, float* output, long count, int bCount) => Run(a, b, output, count, bCount, &AddRows);

    public static void Multiply(float* a, float* b, float* output, long count, int bCount) => Run(a, b, output, count, bCount, &MultiplyRows);

    private static void Run(float* a, float* b, float* output, long count, int bCount, delegate*<in RowOperands, int, int, void> kernel)
    {
        // Same size: parallel chunks that advance through b. Repeating b: one row per repetition.
        var repeats = bCount < count;
        var width = repeats ? bCount : Chunk;
        var rows = (int)((count + width - 1) / width);
        var operands = new RowOperands { X = a, Y = b, Output = output, Width = width, Count = count, Group = repeats ? 1 : 0 };
        RowParallel.For(rows, count, operands, kernel);
    }

    private static void AddRows(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        for (var r = start; r < end; r++)
        {
            var offset = (nint)r * o.Width;
            var n = (int)Math.Min(o.Width, o.Count - offset);
            float* x = o.X + offset, y = o.Group == 1 ? o.Y : o.Y + offset, z = o.Output + offset;
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                    (Vector512.Load(x + i) + Vector512.Load(y + i)).Store(z + i);
            }
            for (; i <= n - lanes; i += lanes)
                (Vector.Load(x + i) + Vector.Load(y + i)).Store(z + i);
            for (; i < n; i++)
                z[i] = x[i] + y[i];
        }
    }

    private static void MultiplyRows(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        for (var r = start; r < end; r++)
        {
            var offset = (nint)r * o.Width;
            var n = (int)Math.Min(o.Width, o.Count - offset);
            float* x = o.X + offset, y = o.Group == 1 ? o.Y : o.Y + offset, z = o.Output + offset;
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                    (Vector512.Load(x + i) * Vector512.Load(y + i)).Store(z + i);
            }
            for (; i <= n - lanes; i += lanes)
                (Vector.Load(x + i) * Vector.Load(y + i)).Store(z + i);
            for (; i < n; i++)
                z[i] = x[i] * y[i];
        }
    }
}
