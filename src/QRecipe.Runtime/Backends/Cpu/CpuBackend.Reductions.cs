using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Reductions and random fills.</summary>
public sealed unsafe partial class CpuBackend
{
    public void AbsMaxPerRow(Tensor input, Tensor output)
    {
        var (rows, columns) = Matrix(nameof(AbsMaxPerRow), input, output);
        ShapeMismatchException.ThrowUnless(output.ElementCount == rows && output.Rank == 1, nameof(AbsMaxPerRow), input.Shape, output.Shape, "output must be [rows]");
        Reductions.AbsMaxPerRow(input.Float32Pointer, rows, columns, output.Float32Pointer);
    }

    public void AbsMaxPerColumn(Tensor input, Tensor output)
    {
        var (rows, columns) = Matrix(nameof(AbsMaxPerColumn), input, output);
        ShapeMismatchException.ThrowUnless(output.ElementCount == columns && output.Rank == 1, nameof(AbsMaxPerColumn), input.Shape, output.Shape, "output must be [columns]");
        Reductions.AbsMaxPerColumn(input.Float32Pointer, rows, columns, output.Float32Pointer);
    }

    public float AbsMax(Tensor input)
    {
        TensorChecks.Float32(nameof(AbsMax), input);
        return Reductions.AbsMax(input.Float32Pointer, input.ElementCount);
    }

    public float Mean(Tensor input) => (float)Statistics(nameof(Mean), input).Mean;

    public float Variance(Tensor input) => (float)Statistics(nameof(Variance), input).Variance;

    public void RandomNormal(Tensor output, ulong seed, ulong stream = 0, float mean = 0f, float std = 1f)
    {
        TensorChecks.Float32(nameof(RandomNormal), output);
        PhiloxRandom.FillNormal(output.AsSpan<float>(), seed, stream, mean, std);
    }

    private static (double Mean, double Variance) Statistics(string op, Tensor input)
    {
        TensorChecks.Float32(op, input);
        if (input.ElementCount == 0)
            throw new System.ArgumentException($"{op}: tensor {input.Shape} is empty");
        return Reductions.MeanAndVariance(input.Float32Pointer, input.ElementCount, input.Shape.Last);
    }

    /// <summary>The input as a matrix: leading axes flattened into rows.</summary>
    private static (int Rows, int Columns) Matrix(string op, Tensor input, Tensor output)
    {
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, output);
        return ((int)input.Shape.Rows, input.Shape.Last);
    }
}
