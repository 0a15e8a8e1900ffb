using System;
using System.Threading;

namespace QRecipe.Runtime.Quantization.SecondOrder;

/// <summary>Streamed GPTQ Hessian of one layer (docs/quantization.md, "GPTQ"): H = 2·XᵀX/n over every batch observed,
/// n the samples seen so far (the reference's H ← H·n/(n+m) + (2/(n+m))·XᵀX after each batch of m samples is the same
/// matrix). Only S = Σ XᵀX is kept, [in, in] float64, updated per batch by <see cref="SymmetricRankUpdate"/> (float32
/// products over at most 512 rows, summed in float64; the reference sums whole batches in float32); H is formed
/// from S by <see cref="Hessian"/>, which GPTQ calls once per layer, so only S stays in memory. A run that quantizes a
/// layer for the last time hands S itself over (<see cref="HandOverOnNextUse"/>): H is formed in S's array and the
/// statistics are empty afterwards, so the run's memory falls layer by layer instead of holding every S to the end.
/// </summary>
public sealed class GptqStatistics
{
    private double[]? sum;
    private bool handOver;

    public GptqStatistics(int columns)
    {
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "must be positive");
        Columns = columns;
        sum = new double[(long)columns * columns];
    }

    /// <summary>Statistics whose H is exactly <paramref name="hessian"/> (a reference's H fed to GPTQ as it is, without
    /// the float32 rounding of accumulating it again): S = H with n = 2 samples, so (2/n)·S = H bit for bit.</summary>
    internal static GptqStatistics FromHessian(double[] hessian, int columns)
    {
        var statistics = new GptqStatistics(columns) { Samples = 2 };
        var sum = statistics.Held();
        for (var i = 0; i < columns; i++)
        {
            for (var j = 0; j <= i; j++) sum[(long)i * columns + j] = hessian[(long)i * columns + j];
        }
        return statistics;
    }

    public int Columns { get; }

    /// <summary>Samples seen (the reference's n: the batch dimension, not the token count).</summary>
    public long Samples { get; private set; }

    /// <summary>Bytes held: S, [Columns, Columns] float64, until it is handed over.</summary>
    public long RetainedBytes => sum is null ? 0 : sum.LongLength * sizeof(double);

    /// <summary>Adds one batch: <paramref name="inputs"/> is [rows, Columns] (all tokens of <paramref name="samples"/>
    /// samples, flattened); nothing of it is kept. <paramref name="cancellation"/> is checked before every GEMM of the
    /// update; a cancelled update leaves the sum partly updated, which only matters to a run that is stopping.</summary>
    public void Accumulate(ReadOnlySpan<float> inputs, int rows, int samples, string layer, CancellationToken cancellation = default)
    {
        QuantGuard.Shape(layer, inputs.Length, rows, Columns);
        if (samples <= 0) throw new QuantizationException(layer, $"batch of {samples} samples");
        QuantGuard.Finite(layer, "calibration input", inputs, Columns);
        var target = Held();
        Samples += samples;
        SymmetricRankUpdate.AddLower(inputs, rows, Columns, target, cancellation);
    }

    /// <summary>Makes the next <see cref="Hessian"/> form H in S's own array and give it away: no second [in, in]
    /// array, and S is gone afterwards (a later call or update is refused).</summary>
    public void HandOverOnNextUse() => handOver = true;

    /// <summary>H = (2/n)·S, [Columns, Columns] row-major, from S's lower triangle, mirrored (zero before any sample):
    /// a new array, or S's own after <see cref="HandOverOnNextUse"/>. The caller may overwrite it.</summary>
    public double[] Hessian()
    {
        var n = Columns;
        var s = Held();
        var h = handOver ? s : new double[s.Length];
        if (handOver)
            sum = null;
        if (Samples == 0)
            return h; // S is still all zeros, and so is a new array
        var scale = 2.0 / Samples;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                // In place, the lower element is read before either copy is written; the upper one is never read.
                var value = s[(long)i * n + j] * scale;
                h[(long)i * n + j] = value;
                h[(long)j * n + i] = value;
            }
        }
        return h;
    }

    private double[] Held() =>
        sum ?? throw new InvalidOperationException($"the GPTQ statistics of {Columns} columns were handed over already");
}
