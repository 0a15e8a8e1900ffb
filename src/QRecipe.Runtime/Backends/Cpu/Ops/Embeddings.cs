using System;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>The DiT embeddings that are functions, not weights: the fixed 2-D sin-cos positional table (docs/dit.md,
/// computed in float64 then rounded) and the sinusoidal timestep features (float32 like the reference),
/// plus the label-table lookup.</summary>
internal static unsafe class Embeddings
{
    /// <summary>[G·G, D]: token n = i·G + j gets oneD(j) in its first half and oneD(i) in its second; oneD is a sin block
    /// then a cos block over omega[k] = 10000^(−k/(D/4)).</summary>
    public static void SinCosPositional(float* output, int gridSize, int width)
    {
        var quarter = width / 4;
        for (var i = 0; i < gridSize; i++)
        {
            for (var j = 0; j < gridSize; j++)
            {
                var row = output + ((nint)i * gridSize + j) * width;
                for (var k = 0; k < quarter; k++)
                {
                    var omega = 1.0 / Math.Pow(10000.0, (double)k / quarter);
                    row[k] = (float)Math.Sin(j * omega);
                    row[quarter + k] = (float)Math.Cos(j * omega);
                    row[2 * quarter + k] = (float)Math.Sin(i * omega);
                    row[3 * quarter + k] = (float)Math.Cos(i * omega);
                }
            }
        }
    }

    /// <summary>[N, F]: [cos(t·f_k), sin(t·f_k)] with f_k = exp(−ln(maxPeriod)·k/half) in float32, half = F/2 (the divisor is
    /// half, not half − 1); an odd F gets a zero last column.</summary>
    public static void Timestep(float* timesteps, float* output, int count, int width, float maxPeriod)
    {
        var half = width / 2;
        // Rounded like the float32 reference: the exponent −ln(maxPeriod)·k/half is itself a float32 computation.
        var logPeriod = (float)-Math.Log(maxPeriod);
        for (var n = 0; n < count; n++)
        {
            var row = output + (nint)n * width;
            for (var k = 0; k < half; k++)
            {
                var frequency = MathF.Exp(logPeriod * k / half);
                var argument = timesteps[n] * frequency;
                row[k] = MathF.Cos(argument);
                row[half + k] = MathF.Sin(argument);
            }

            if (width % 2 == 1)
                row[width - 1] = 0f;
        }
    }

    /// <summary>output[n] = table[ids[n]] for ids already checked to lie in the table (TensorChecks.EmbeddingLookup).</summary>
    public static void Lookup(float* table, int width, int* ids, int count, float* output)
    {
        for (var n = 0; n < count; n++)
            new ReadOnlySpan<float>(table + (nint)ids[n] * width, width).CopyTo(new Span<float>(output + (nint)n * width, width));
    }
}
