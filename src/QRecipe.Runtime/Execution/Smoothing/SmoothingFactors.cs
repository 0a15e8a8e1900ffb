using System.Linq;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Factorization;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Execution.Smoothing;

/// <summary>
/// The factors s of one smoothed layer, and the α they were computed with, from the calibration statistics (docs/quantization.md, "Smoothing").
/// SmoothQuant: a = channel abs-max over all calibrated steps, w from the FP weight, ε = 1e-5. DiTAS: a = the
/// temporal aggregate, w from the quantized weight Q (after low-rank compensation when the recipe asks for
/// it), ε = 1e-4, α fixed or searched. Q here is a proxy of the layer's weight setting at the first calibrated step:
/// gptq is scored with rtn on the same grid, because the Hessian of the smoothed input exists only once s is chosen;
/// static activations are scored with a dynamic quantizer of the same bits, for the same reason. The search scores
/// each α on quant(W·diag s) (with low-rank factors, on the residual), the weight the run will execute.
/// </summary>
public static class SmoothingFactors
{
    /// <param name="cancellation">Checked between the steps of the computation and before every α of a search.</param>
    public static (float[] Scales, SmoothingReport Report) Compute(SmoothSetting smoothing, LinearWeights layer, OpSetting cell, CalibrationStatistics statistics,
        CancellationToken cancellation = default)
    {
        var name = layer.Name;
        if (!statistics.ChannelMaxima.TryGetValue(name, out var maxima))
            throw new QuantizationException(name, "smoothing requested but calibration produced no data");
        var activationMax = maxima.Aggregate(name);
        var weight = layer.Weight.ToArray<float>();
        int outFeatures = layer.OutFeatures, inFeatures = layer.InFeatures;
        var fixedAlpha = new SmoothingReport(name, smoothing.Method, smoothing.Alpha, 0, double.NaN, double.NaN);
        if (smoothing.Method == SmoothMethod.SmoothQuant)
            return (SmoothingScales.Compute(activationMax, weight, outFeatures, inFeatures, smoothing.Alpha, SmoothingScales.SmoothQuantEpsilon, name), fixedAlpha);

        var proxy = cell.Weights.Method == WeightMethod.Gptq ? cell.Weights with { Method = WeightMethod.Rtn } : cell.Weights;
        float[] quantized = weight;
        LowRankFactors? factors = null;
        if (!proxy.IsFloat && smoothing.LowRank is { } lowRank)
        {
            var compensated = LowRankCompensation.Compensate(weight, outFeatures, inFeatures, proxy, lowRank, null, name, cancellation: cancellation);
            quantized = compensated.Quantized.Dequantized;
            factors = compensated.Factors;
        }
        else if (!proxy.IsFloat)
            quantized = WeightQuantizer.Quantize(weight, outFeatures, inFeatures, proxy, null, name).Dequantized;

        if (smoothing.Search is not { } grid)
            return (SmoothingScales.Compute(activationMax, quantized, outFeatures, inFeatures, smoothing.Alpha, SmoothingScales.DitasEpsilon, name), fixedAlpha);
        var activation = cell.Activations.Static ? cell.Activations with { Static = false } : cell.Activations;
        var inputs = statistics.SearchInputs[name].Steps;
        // The runtime quantizes the smoothed weight (QuantizedWeights), so each α is scored on that weight.
        var search = DitasAlphaSearch.Search(inputs, weight, quantized, outFeatures, inFeatures, activationMax, activation, grid, name, factors,
            proxy.IsFloat ? null : proxy, cancellation);
        return (search.Scales, new SmoothingReport(name, smoothing.Method, search.Alpha, search.Alphas.Length, search.Losses.Min(), search.Losses.Max()));
    }
}
