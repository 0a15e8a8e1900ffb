using System;
using System.Collections.Generic;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Factorization;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>Every weight layer quantized once per distinct setting the plan gives it (a recipe may change a layer's
/// weights by step; each version is made once, when the plan is bound), with the per-layer reports. Smoothed layers are
/// quantized in their folded form (W·diag(s), docs/quantization.md) and, with DiTAS low-rank compensation, hold Q + L·R (the FP factors
/// L [out, r] and R [r, in] are counted as FP16 overhead words); gptq takes the layer's calibration Hessian. With
/// <c>releaseFloat</c>, a layer whose every cell multiplies by a quantized version gives up its float weight as soon as
/// its last version is made (<see cref="LinearWeights.ReleaseWeight"/>), so the run holds one copy of each weight it
/// needs and the freed block is reused for the next layer's quantized copy.</summary>
public sealed class QuantizedWeights : IDisposable
{
    private readonly Dictionary<(string Layer, WeightQuant Setting), Tensor> _tensors = new();
    private readonly List<WeightQuantReport> _reports = new();

    public IReadOnlyList<WeightQuantReport> Reports => _reports;

    /// <summary>Bytes of the quantized versions held (float32 values of the dequantized weights).</summary>
    public long Bytes
    {
        get
        {
            long bytes = 0;
            foreach (var tensor in _tensors.Values)
                bytes += tensor.ElementCount * sizeof(float);
            return bytes;
        }
    }

    /// <summary>The weight tensor a cell multiplies by: the quantized version, or the float weights for fp. Pass the
    /// layer as <see cref="SmoothedWeights.Quantizable"/> gives it.</summary>
    public Tensor For(LinearWeights layer, WeightQuant setting) =>
        setting.IsFloat ? layer.Weight : _tensors[(layer.Name, setting)];

    /// <param name="progress">Phase "quantize" in layers: 0 of them at once, the layer being quantized (with GPTQ's
    /// Hessian factorisation and column blocks), each one done.</param>
    /// <param name="cancellation">Checked before every layer and, in GPTQ, before every column block.</param>
    /// <param name="releaseFloat">Release the float weight of every layer no cell multiplies in float; only for weights
    /// nothing else reads afterwards (no float reference run, no fidelity measurement).</param>
    /// <param name="device">Where round-to-nearest versions of layers without low-rank factors are made (the weights' GPU);
    /// null, or a setting it declines, is the host, which writes the uniform methods straight into the run's tensor
    /// (<see cref="HostWeightFakeQuantizer"/>).</param>
    /// <param name="releaseHessians">Drop each layer's GPTQ statistics once its last version is made (GPTQ forms H in
    /// their own array then): the largest thing a GPTQ run holds, 5.5 GiB on DiT-XL/2, shrinks layer by layer instead of
    /// lasting to the end. Only for statistics nothing reads afterwards (a run's own calibration, not a tuner's).</param>
    public static QuantizedWeights Build(RecipePlan plan, DitWeights weights, SmoothedWeights smoothed, CalibrationStatistics? statistics,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default, bool releaseFloat = false, IWeightFakeQuantizer? device = null,
        bool releaseHessians = false)
    {
        var result = new QuantizedWeights();
        var versions = WeightVersions.Of(plan, weights);
        var lastVersion = new Dictionary<LinearWeights, int>();
        for (var i = 0; i < versions.Quantized.Count; i++)
            lastVersion[versions.Quantized[i].Layer] = i;
        try
        {
            ForEachVersion(versions, smoothed, progress, cancellation, (i, version, layer, inside) =>
            {
                var lowRank = smoothed.LowRankOf(layer.Name);
                var last = lastVersion[version.Layer] == i;
                if (FakeQuantizerFor(version.Setting, lowRank, device) is { } quantizer)
                {
                    var (values, report) = quantizer.FakeQuantize(layer.Weight, layer.OutFeatures, layer.InFeatures, version.Setting, layer.Name);
                    result.Add(version.Layer.Name, version.Setting, values, report);
                }
                else
                {
                    var hessian = statistics?.Hessian(layer.Name);
                    if (releaseHessians && last && lowRank is null)
                        hessian?.HandOverOnNextUse(); // low-rank compensation quantizes with it several times
                    var made = Quantize(layer, version.Setting, hessian, lowRank, cancellation, inside);
                    result.Add(version.Layer.Name, version.Setting, Tensor.From(made.Dequantized, layer.OutFeatures, layer.InFeatures), made.Report);
                }
                if (releaseHessians && last && statistics?.Hessians.Remove(layer.Name) == true)
                {
                    // The layer's S and GPTQ's work arrays (about 0.5 GB at DiT-XL/2's fc2) are garbage now. Left to its
                    // own budget, the collector let a whole GPTQ phase of it pile up (22.0 GB resident on a 24 GB
                    // machine for DiT-XL/2, whose live data is about 6 GB); the heap holds a few large arrays, so a
                    // full collection per layer costs milliseconds.
                    GC.Collect();
                }
                if (releaseFloat && last && !versions.FloatLayers.Contains(version.Layer))
                    version.Layer.ReleaseWeight();
            });
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>What makes a version's values without its integer form: the device when it takes the setting, else the
    /// host for the uniform methods; null (<see cref="WeightQuantizer"/> then) for GPTQ, the codebooks and layers with
    /// low-rank factors.</summary>
    private static IWeightFakeQuantizer? FakeQuantizerFor(WeightQuant setting, LowRank? lowRank, IWeightFakeQuantizer? device) =>
        lowRank is not null ? null
        : device is not null && device.Declines(setting) is null ? device
        : HostWeightFakeQuantizer.Instance.Declines(setting) is null ? HostWeightFakeQuantizer.Instance
        : null;

    /// <summary>Quantizes every version the plan needs, as <see cref="Build"/> does (smoothed layers in their folded
    /// form, gptq with the layer's Hessian, DiTAS low-rank compensation), and hands each to <paramref name="made"/>
    /// with its index, integer form and factors; nothing is kept (<c>qrecipe export-model</c> packs them).</summary>
    public static void QuantizeEach(WeightVersions versions, SmoothedWeights smoothed, CalibrationStatistics? statistics, IProgress<RunProgress>? progress,
        CancellationToken cancellation, Action<int, WeightVersion, QuantizedLayer> made) =>
        ForEachVersion(versions, smoothed, progress, cancellation, (i, version, layer, inside) =>
            made(i, version, Quantize(layer, version.Setting, statistics?.Hessian(layer.Name), smoothed.LowRankOf(layer.Name), cancellation, inside)));

    /// <summary>Calls <paramref name="quantize"/> for every version with the layer in the form it is quantized in and a
    /// reporter of where inside the layer the work is; reports phase "quantize" around each.</summary>
    private static void ForEachVersion(WeightVersions versions, SmoothedWeights smoothed, IProgress<RunProgress>? progress, CancellationToken cancellation,
        Action<int, WeightVersion, LinearWeights, Action<string>> quantize)
    {
        var count = versions.Quantized.Count;
        progress?.Report(new RunProgress("quantize", 0, count));
        for (var i = 0; i < count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var version = versions.Quantized[i];
            var layer = smoothed.Quantizable(version.Layer);
            var done = i;
            var method = WeightQuant.MethodText(version.Setting.Method);
            progress?.Report(new RunProgress("quantize", done, count, $"{layer.Name} ({method})"));
            void Inside(string stage) => progress?.Report(new RunProgress("quantize", done, count, $"{layer.Name} ({method}): {stage}"));
            quantize(i, version, layer, Inside);
            progress?.Report(new RunProgress("quantize", i + 1, count));
        }
    }

    /// <summary>Adds a version made elsewhere (read from an exported model); this object owns the tensor.</summary>
    internal void Add(string layer, WeightQuant setting, Tensor values, WeightQuantReport report)
    {
        _tensors[(layer, setting)] = values;
        _reports.Add(report);
    }

    /// <summary>An empty set, filled by <see cref="Add"/>.</summary>
    internal static QuantizedWeights Empty() => new();

    private static QuantizedLayer Quantize(LinearWeights layer, WeightQuant setting, GptqStatistics? hessian, LowRank? lowRank,
        CancellationToken cancellation, Action<string> inside)
    {
        var weight = layer.Weight.AsReadOnlySpan<float>();
        if (lowRank is null)
        {
            var quantized = WeightQuantizer.Quantize(weight, layer.OutFeatures, layer.InFeatures, setting, hessian, layer.Name, cancellation, inside);
            return new QuantizedLayer(quantized.Dequantized, quantized, null, quantized.Report);
        }
        var compensated = LowRankCompensation.Compensate(weight, layer.OutFeatures, layer.InFeatures, setting, lowRank, hessian, layer.Name,
            cancellation: cancellation, inside: inside);
        var f = compensated.Factors;
        var report = compensated.Quantized.Report with
        {
            OverheadWords = compensated.Quantized.Report.OverheadWords + (long)f.Rank * (layer.OutFeatures + layer.InFeatures),
            RelativeError = compensated.RelativeError,
            LowRankRank = f.Rank,
            UncompensatedRelativeError = compensated.UncompensatedRelativeError,
        };
        return new QuantizedLayer(compensated.Effective, compensated.Quantized, f, report);
    }

    /// <summary>Q + L·R, the weight a low-rank compensated layer multiplies by (the sum in this order, so a reader
    /// of the stored Q, L and R gets the same floats).</summary>
    public static float[] WithLowRank(float[] quantized, LowRankFactors factors, int outFeatures, int inFeatures)
    {
        var effective = TruncatedSvd.Product(factors.Left, factors.Right, outFeatures, inFeatures, factors.Rank);
        for (var i = 0; i < effective.Length; i++)
            effective[i] += quantized[i];
        return effective;
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
        _tensors.Clear();
    }
}

/// <summary>One quantized version as the quantizer made it: the dequantized values the run multiplies by (Q + L·R with
/// low-rank compensation), the integer form Q, the low-rank factors if any, and the report.</summary>
public sealed record QuantizedLayer(float[] Dequantized, QuantizedWeight Codes, LowRankFactors? LowRank, WeightQuantReport Report);
