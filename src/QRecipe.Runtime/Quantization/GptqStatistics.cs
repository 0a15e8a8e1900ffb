using System;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Quantization;

/// <summary>Streamed GPTQ Hessian of one layer (docs/quantization.md, "GPTQ"): after every batch of m samples,
/// H ← H·n/(n+m) + (2/(n+m))·XᵀX with n the samples seen so far, so H = 2·XᵀX/n over everything observed while
/// only the [in, in] matrix is kept. Accumulated in float64 (the reference uses float32; float64 makes H independent
/// of the batch split up to double rounding).</summary>
public sealed class GptqStatistics
{
    private readonly double[] hessian;

    public GptqStatistics(int columns)
    {
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "must be positive");
        Columns = columns;
        hessian = new double[(long)columns * columns];
    }

    public int Columns { get; }

    /// <summary>Samples seen (the reference's n: the batch dimension, not the token count).</summary>
    public long Samples { get; private set; }

    /// <summary>H, [Columns, Columns] row-major, symmetric.</summary>
    public ReadOnlySpan<double> Hessian => hessian;

    /// <summary>Adds one batch: <paramref name="inputs"/> is [rows, Columns] (all tokens of <paramref name="samples"/>
    /// samples, flattened). <paramref name="cancellation"/> is checked between rows of H; a cancelled update leaves H
    /// partly updated, which only matters to a run that is stopping.</summary>
    public void Accumulate(ReadOnlySpan<float> inputs, int rows, int samples, string layer, CancellationToken cancellation = default)
    {
        QuantGuard.Shape(layer, inputs.Length, rows, Columns);
        if (samples <= 0) throw new QuantizationException(layer, $"batch of {samples} samples");
        QuantGuard.Finite(layer, "calibration input", inputs, Columns);

        var n = Columns;
        var transposed = new double[(long)n * rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < n; c++) transposed[(long)c * rows + r] = inputs[r * n + c];
        }
        var keep = (double)Samples / (Samples + samples);
        var add = 2.0 / (Samples + samples);
        Samples += samples;
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            var xi = new ReadOnlySpan<double>(transposed, i * rows, rows);
            for (var j = 0; j <= i; j++)
            {
                var value = hessian[(long)i * n + j] * keep + add * Dot(xi, new ReadOnlySpan<double>(transposed, j * rows, rows));
                hessian[(long)i * n + j] = value;
                hessian[(long)j * n + i] = value;
            }
        });
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
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
