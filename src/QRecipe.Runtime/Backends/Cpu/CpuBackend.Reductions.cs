using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Reductions and random fills.</summary>
public sealed unsafe partial class CpuBackend
{
    public void AbsMaxPerRow(Tensor input, Tensor output)
    {
        var (rows, columns) = TensorChecks.AbsMaxPer(nameof(AbsMaxPerRow), input, output, perRow: true);
        Reductions.AbsMaxPerRow(input.Float32ReadPointer, rows, columns, output.Float32Pointer);
    }

    public void AbsMaxPerColumn(Tensor input, Tensor output)
    {
        var (rows, columns) = TensorChecks.AbsMaxPer(nameof(AbsMaxPerColumn), input, output, perRow: false);
        Reductions.AbsMaxPerColumn(input.Float32ReadPointer, rows, columns, output.Float32Pointer);
    }

    public float AbsMax(Tensor input)
    {
        TensorChecks.Float32(nameof(AbsMax), input);
        return Reductions.AbsMax(input.Float32ReadPointer, input.ElementCount);
    }

    public long CountNonFinite(Tensor input)
    {
        TensorChecks.Float32(nameof(CountNonFinite), input);
        var x = input.Float32ReadPointer;
        if (FiniteScan.AllFinite(x, input.ElementCount))
            return 0;
        long count = 0;
        for (long start = 0; start < input.ElementCount; start += int.MaxValue)
            count += FiniteValues.CountNonFinite(new System.ReadOnlySpan<float>(x + start, (int)System.Math.Min(int.MaxValue, input.ElementCount - start)));
        return count;
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
        return Reductions.MeanAndVariance(input.Float32ReadPointer, input.ElementCount, input.Shape.Last);
    }
}
