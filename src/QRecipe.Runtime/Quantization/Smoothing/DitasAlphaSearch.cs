using System;
using System.Collections.Generic;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Factorization;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.Smoothing;

/// <summary>Outcome of a per-layer α search: the chosen α and factors s, and the loss of every α tried.</summary>
public sealed record AlphaSearchResult(double Alpha, float[] Scales, double[] Alphas, double[] Losses);

/// <summary>DiTAS per-layer α grid search (docs/quantization.md): for each α of the grid, s_α from the aggregated
/// channel maxima and the quantized weight Q (ε = 1e-4), and the loss Σ_steps mean((X·Wᵀ − AQ(X/s_α)·(Q·diag s_α)ᵀ)²)
/// over the calibration inputs given (DiTAS passes the first 50 steps); with low-rank factors the candidate adds
/// (AQ(X/s_α)·(R·diag s_α)ᵀ)·Lᵀ. The bias cancels in the difference and is left out. The smallest loss wins; ties
/// keep the smaller α. AQ is the plan's activation quantizer.
/// With <c>requantize</c> the candidate weight is instead what a runtime that quantizes the smoothed weight executes:
/// quant(W·diag s_α − L·R·diag s_α) + L·R·diag s_α (without factors quant(W·diag s_α)). DiTAS's Q·diag(s) stays
/// on DiTAS's column-wise grid, but not on a per-row or per-group grid, so such a runtime must quantize the
/// smoothed weight, and scoring Q·diag(s) would then score a weight that never runs.</summary>
public static class DitasAlphaSearch
{
    /// <param name="cancellation">Checked before every α of the grid (each costs a product per calibrated step).</param>
    public static AlphaSearchResult Search(IReadOnlyList<float[]> stepInputs, float[] weight, float[] quantizedWeight,
        int outFeatures, int inFeatures, ReadOnlySpan<float> activationMax, ActivationQuant activation, AlphaSearch grid, string layer, LowRankFactors? lowRank = null,
        WeightQuant? requantize = null, CancellationToken cancellation = default)
    {
        if (stepInputs.Count == 0) throw new QuantizationException(layer, "alpha search requested but calibration produced no inputs");
        QuantGuard.Shape(layer, weight.Length, outFeatures, inFeatures);
        QuantGuard.Shape(layer, quantizedWeight.Length, outFeatures, inFeatures);
        var alphas = Grid(grid, layer);
        var references = new float[stepInputs.Count][];
        for (var t = 0; t < stepInputs.Count; t++)
        {
            QuantGuard.Finite($"{layer} step input {t}", "calibration input", stepInputs[t], inFeatures);
            references[t] = DenseMath.MultiplyTransposed(stepInputs[t], stepInputs[t].Length / inFeatures, weight, outFeatures, inFeatures);
        }

        var losses = new double[alphas.Length];
        var best = 0;
        float[]? bestScales = null;
        for (var k = 0; k < alphas.Length; k++)
        {
            cancellation.ThrowIfCancellationRequested();
            var s = SmoothingScales.Compute(activationMax, quantizedWeight, outFeatures, inFeatures, alphas[k], SmoothingScales.DitasEpsilon, layer);
            float[] smoothed;
            if (requantize is { } setting)
                smoothed = Requantized(weight, outFeatures, inFeatures, s, setting, lowRank, layer);
            else
            {
                smoothed = (float[])quantizedWeight.Clone();
                SmoothFolding.ScaleColumns(smoothed, outFeatures, inFeatures, s);
            }
            var factors = requantize is null ? lowRank : null; // requantized candidates already hold L·R·diag(s)
            float[]? right = null;
            if (factors is not null)
            {
                right = (float[])factors.Right.Clone();
                SmoothFolding.ScaleColumns(right, factors.Rank, inFeatures, s);
            }
            for (var t = 0; t < stepInputs.Count; t++)
            {
                var rows = stepInputs[t].Length / inFeatures;
                var x = (float[])stepInputs[t].Clone();
                SmoothFolding.DivideColumns(x, rows, inFeatures, s);
                if (!activation.IsFloat) ActivationQuantizer.FakeQuantize(x, rows, inFeatures, activation, null, $"{layer} step input {t}");
                var y = DenseMath.MultiplyTransposed(x, rows, smoothed, outFeatures, inFeatures);
                if (factors is not null)
                {
                    var inner = DenseMath.MultiplyTransposed(x, rows, right!, factors.Rank, inFeatures);
                    var correction = DenseMath.MultiplyTransposed(inner, rows, factors.Left, outFeatures, factors.Rank);
                    for (var i = 0; i < y.Length; i++) y[i] += correction[i];
                }
                losses[k] += MeanSquaredDifference(references[t], y);
            }
            if (bestScales is null || losses[k] < losses[best])
            {
                best = k;
                bestScales = s;
            }
        }
        return new AlphaSearchResult(alphas[best], bestScales!, alphas, losses);
    }

    private static float[] Requantized(float[] weight, int outFeatures, int inFeatures, float[] s, WeightQuant setting, LowRankFactors? lowRank, string layer)
    {
        var target = (float[])weight.Clone();
        SmoothFolding.ScaleColumns(target, outFeatures, inFeatures, s);
        if (lowRank is null)
            return WeightQuantizer.Quantize(target, outFeatures, inFeatures, setting, null, layer).Dequantized;
        var right = (float[])lowRank.Right.Clone();
        SmoothFolding.ScaleColumns(right, lowRank.Rank, inFeatures, s);
        var correction = TruncatedSvd.Product(lowRank.Left, right, outFeatures, inFeatures, lowRank.Rank);
        for (var i = 0; i < target.Length; i++) target[i] -= correction[i];
        var candidate = WeightQuantizer.Quantize(target, outFeatures, inFeatures, setting, null, layer).Dequantized;
        for (var i = 0; i < candidate.Length; i++) candidate[i] += correction[i];
        return candidate;
    }

    /// <summary>From, From + Step, … up to To (inclusive, with 1e-9 slack for the decimal steps).</summary>
    public static double[] Grid(AlphaSearch grid, string layer)
    {
        if (!(grid.Step > 0) || grid.From < 0 || grid.To > 1 || grid.From > grid.To)
            throw new QuantizationException(layer, $"alpha grid {grid.From}..{grid.To} by {grid.Step} is not inside [0, 1] with a positive step");
        var values = new List<double>();
        for (var k = 0; grid.From + k * grid.Step <= grid.To + 1e-9; k++) values.Add(Math.Min(grid.From + k * grid.Step, grid.To));
        return values.ToArray();
    }

    private static double MeanSquaredDifference(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum / a.Length;
    }
}
