using System;
using System.Numerics;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Reductions the quantizers need: abs-max per row, per column and over everything (scales), and mean and
/// population variance (statistics). Sums of whole tensors accumulate per row in float and across rows in double.</summary>
internal static unsafe class Reductions
{
    public static void AbsMaxPerRow(float* x, int rows, int columns, float* output)
    {
        for (var r = 0; r < rows; r++)
            output[r] = VectorMath.AbsMax(x + (nint)r * columns, columns);
    }

    public static void AbsMaxPerColumn(float* x, int rows, int columns, float* output)
    {
        var lanes = Vector<float>.Count;
        new Span<float>(output, columns).Clear();
        for (var r = 0; r < rows; r++)
        {
            var row = x + (nint)r * columns;
            var j = 0;
            for (; j <= columns - lanes; j += lanes)
                Vector.Max(Vector.Load(output + j), Vector.Abs(Vector.Load(row + j))).Store(output + j);
            for (; j < columns; j++)
                output[j] = MathF.Max(output[j], MathF.Abs(row[j]));
        }
    }

    public static float AbsMax(float* x, long count)
    {
        var result = 0f;
        for (long start = 0; start < count; start += int.MaxValue)
            result = MathF.Max(result, VectorMath.AbsMax(x + start, (int)Math.Min(int.MaxValue, count - start)));
        return result;
    }

    /// <summary>Mean and population variance (two passes: the second sums squared deviations from the mean).</summary>
    public static (double Mean, double Variance) MeanAndVariance(float* x, long count, int rowWidth)
    {
        var rows = count / rowWidth;
        var sum = 0.0;
        for (long r = 0; r < rows; r++)
            sum += VectorMath.Sum(x + r * rowWidth, rowWidth);
        var mean = sum / count;
        var squares = 0.0;
        for (long r = 0; r < rows; r++)
            squares += VectorMath.SumOfSquaredDeviations(x + r * rowWidth, rowWidth, (float)mean);
        return (mean, squares / count);
    }
}
