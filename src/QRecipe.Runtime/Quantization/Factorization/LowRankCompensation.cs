using System;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.Factorization;

/// <summary>FP low-rank factors of a layer: effective weight Q + Left·Right, Left [out, Rank], Right [Rank, in].</summary>
public sealed record LowRankFactors(float[] Left, float[] Right, int Rank);

/// <summary>Outcome of the compensation: Q of the last iteration, the factors, the weight the layer multiplies by
/// (Q + L·R, summed as <c>QuantizedWeights.WithLowRank</c> sums it for a reader of the stored Q, L and R),
/// ‖W − Q − L·R‖_F/‖W‖_F and, for comparison, the error ‖W − quant(W)‖_F/‖W‖_F of the first iteration, which has no
/// factors yet.</summary>
public sealed record LowRankResult(QuantizedWeight Quantized, LowRankFactors Factors, float[] Effective, double RelativeError, double UncompensatedRelativeError);

/// <summary>DiTAS training-free low-rank compensation (docs/quantization.md): starting from L·R = 0, alternate
/// Q = quant(W − L·R) and (L, R) = best rank-r factors of W − Q, a fixed number of times (no convergence test, no
/// data). Q uses the layer's own weight setting. Each SVD warm-starts from the previous subspace with
/// <see cref="PowerIterations"/> subspace-iteration steps.</summary>
public static class LowRankCompensation
{
    public const int PowerIterations = 4;

    /// <param name="cancellation">Checked before every iteration and passed to the quantizer.</param>
    /// <param name="inside">Where GPTQ is inside the layer, in each iteration.</param>
    public static LowRankResult Compensate(ReadOnlySpan<float> weight, int outFeatures, int inFeatures, WeightQuant setting,
        LowRank lowRank, GptqStatistics? hessian, string layer, int powerIterations = PowerIterations, CancellationToken cancellation = default,
        Action<string>? inside = null)
    {
        QuantGuard.Shape(layer, weight.Length, outFeatures, inFeatures);
        if (lowRank.Rank < 1 || lowRank.Rank > Math.Min(outFeatures, inFeatures))
            throw new QuantizationException(layer, $"low-rank rank {lowRank.Rank} outside [1, {Math.Min(outFeatures, inFeatures)}]");
        if (lowRank.Iterations < 1) throw new QuantizationException(layer, $"low-rank iterations {lowRank.Iterations} must be at least 1");

        var w = weight.ToArray();
        var basis = TruncatedSvd.InitialBasis(lowRank.Rank, outFeatures, inFeatures);
        var lr = new float[w.Length];
        var target = new float[w.Length];
        QuantizedWeight? q = null;
        float[] left = [], right = [];
        var uncompensated = double.NaN;
        for (var it = 0; it < lowRank.Iterations; it++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < w.Length; i++) target[i] = w[i] - lr[i];
            q = WeightQuantizer.Quantize(target, outFeatures, inFeatures, setting, hessian, layer, cancellation, inside);
            if (it == 0)
                uncompensated = WeightQuantizer.RelativeError(w, q.Dequantized);
            var residual = new float[w.Length];
            for (var i = 0; i < w.Length; i++) residual[i] = w[i] - q.Dequantized[i];
            (left, right) = TruncatedSvd.Factor(residual, outFeatures, inFeatures, lowRank.Rank, basis, powerIterations);
            lr = TruncatedSvd.Product(left, right, outFeatures, inFeatures, lowRank.Rank);
        }
        var effective = new float[w.Length];
        for (var i = 0; i < w.Length; i++) effective[i] = q!.Dequantized[i] + lr[i];
        return new LowRankResult(q!, new LowRankFactors(left, right, lowRank.Rank), effective, WeightQuantizer.RelativeError(w, effective), uncompensated);
    }
}
