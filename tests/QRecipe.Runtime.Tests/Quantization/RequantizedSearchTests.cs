using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>The DiTAS α search scored on the weight a per-row-grid runtime executes, quant(W·diag s): its losses are
/// exactly that layer's output error, and its choice beats the one made by scoring Q·diag(s), a weight that never
/// runs (docs/quantization.md, "Calibration and smoothing at run time").</summary>
public sealed class RequantizedSearchTests
{
    private const int Out = 32, In = 64, Rows = 16;
    private static readonly WeightQuant Int4 = new(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn);
    private static readonly ActivationQuant Int8 = new(8, Granularity.PerToken, 0, true, false);

    /// <summary>Σ_steps mean((X·Wᵀ − AQ(X/s)·quant(W·diag s)ᵀ)²) computed directly, in float64 sums.</summary>
    private static double Loss(float[][] steps, float[] w, float[] s)
    {
        var smoothed = (float[])w.Clone();
        SmoothFolding.ScaleColumns(smoothed, Out, In, s);
        var q = WeightQuantizer.Quantize(smoothed, Out, In, Int4, null, "l").Dequantized;
        var total = 0.0;
        foreach (var x in steps)
        {
            var xs = (float[])x.Clone();
            SmoothFolding.DivideColumns(xs, Rows, In, s);
            ActivationQuantizer.FakeQuantize(xs, Rows, In, Int8, null, "l");
            var reference = DenseMath.MultiplyTransposed(x, Rows, w, Out, In);
            var y = DenseMath.MultiplyTransposed(xs, Rows, q, Out, In);
            var sum = 0.0;
            for (var i = 0; i < y.Length; i++) sum += Math.Pow(reference[i] - y[i], 2);
            total += sum / y.Length;
        }
        return total;
    }

    [Fact]
    public void Requantized_losses_are_the_executed_layer_error_and_choose_better()
    {
        // Channels 5 and 40: activations 50x larger and their weight columns 50x smaller (the same product), so
        // per-row int4 rounds those columns of Q to zero and w_j = ε.
        var w = new float[Out * In];
        PhiloxRandom.FillNormal(w, 70, std: 0.1f);
        var steps = new float[3][];
        var temporal = new TemporalChannelMax(In);
        for (var t = 0; t < steps.Length; t++)
        {
            steps[t] = new float[Rows * In];
            PhiloxRandom.FillNormal(steps[t], 71 + (ulong)t);
            foreach (var j in new[] { 5, 40 })
            {
                for (var r = 0; r < Rows; r++) steps[t][r * In + j] *= 50f;
            }
            temporal.Observe(t, steps[t], Rows, "l");
        }
        foreach (var j in new[] { 5, 40 })
        {
            for (var i = 0; i < Out; i++) w[i * In + j] /= 50f;
        }
        var q = WeightQuantizer.Quantize(w, Out, In, Int4, null, "l").Dequantized;
        var maxima = temporal.Aggregate("l");
        var grid = new AlphaSearch(0, 1, 0.1);

        var requantized = DitasAlphaSearch.Search(steps, w, q, Out, In, maxima, Int8, grid, "l", requantize: Int4);
        for (var k = 0; k < requantized.Alphas.Length; k++)
        {
            var s = SmoothingScales.Compute(maxima, q, Out, In, requantized.Alphas[k], SmoothingScales.DitasEpsilon, "l");
            var direct = Loss(steps, w, s);
            Assert.True(Math.Abs(direct - requantized.Losses[k]) <= 1e-9 * direct, $"alpha {requantized.Alphas[k]}: {requantized.Losses[k]} vs {direct}");
        }
        var onGrid = DitasAlphaSearch.Search(steps, w, q, Out, In, maxima, Int8, grid, "l");
        Assert.True(Loss(steps, w, requantized.Scales) < 0.75 * Loss(steps, w, onGrid.Scales),
            $"alpha {requantized.Alpha}: {Loss(steps, w, requantized.Scales)} vs Q·diag(s)'s alpha {onGrid.Alpha}: {Loss(steps, w, onGrid.Scales)}");
    }
}
