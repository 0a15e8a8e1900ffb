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
    public static QuantizedWeights Build(RecipePlan plan, DitWeights weights, SmoothedWeights smoothed, CalibrationStatistics? statistics,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default, bool releaseFloat = false)
    {
        var result = new QuantizedWeights();
        var jobs = new List<(LinearWeights Layer, WeightQuant Setting)>();
        var floatCells = new HashSet<LinearWeights>();
        void Need(LinearWeights layer, WeightQuant setting)
        {
            if (setting.IsFloat)
                floatCells.Add(layer);
            else if (!jobs.Contains((layer, setting)))
                jobs.Add((layer, setting));
        }
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                var b = weights.Blocks[block];
                Need(b.Qkv, plan.Get(new Step(step), new Block(block), Operator.Qkv).Weights);
                Need(b.Proj, plan.Get(new Step(step), new Block(block), Operator.Proj).Weights);
                Need(b.Fc1, plan.Get(new Step(step), new Block(block), Operator.Fc1).Weights);
                Need(b.Fc2, plan.Get(new Step(step), new Block(block), Operator.Fc2).Weights);
                Need(b.AdaLN, plan.Get(new Step(step), new Block(block), Operator.AdaLN).Weights);
            }
            var embed = plan.GetGlobal(step, Operator.Embed).Weights;
            Need(weights.Patch, embed);
            Need(weights.TimeMlp0, embed);
            Need(weights.TimeMlp2, embed);
            var final = plan.GetGlobal(step, Operator.Final).Weights;
            Need(weights.FinalAdaLN, final);
            Need(weights.FinalLinear, final);
        }
        var lastJob = new Dictionary<LinearWeights, int>();
        for (var i = 0; i < jobs.Count; i++)
            lastJob[jobs[i].Layer] = i;
        progress?.Report(new RunProgress("quantize", 0, jobs.Count));
        try
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var (original, setting) = jobs[i];
                var layer = smoothed.Quantizable(original);
                var done = i;
                var method = WeightQuant.MethodText(setting.Method);
                progress?.Report(new RunProgress("quantize", done, jobs.Count, $"{layer.Name} ({method})"));
                void Inside(string stage) => progress?.Report(new RunProgress("quantize", done, jobs.Count, $"{layer.Name} ({method}): {stage}"));
                var (values, report) = Quantize(layer, setting, statistics?.Hessian(layer.Name), smoothed.LowRankOf(layer.Name), cancellation, Inside);
                result._tensors[(layer.Name, setting)] = Tensor.From(values, layer.OutFeatures, layer.InFeatures);
                result._reports.Add(report);
                if (releaseFloat && lastJob[original] == i && !floatCells.Contains(original))
                    original.ReleaseWeight();
                progress?.Report(new RunProgress("quantize", i + 1, jobs.Count));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    private static (float[] Values, WeightQuantReport Report) Quantize(LinearWeights layer, WeightQuant setting, GptqStatistics? hessian, LowRank? lowRank,
        CancellationToken cancellation, Action<string> inside)
    {
        var weight = layer.Weight.AsReadOnlySpan<float>();
        if (lowRank is null)
        {
            var quantized = WeightQuantizer.Quantize(weight, layer.OutFeatures, layer.InFeatures, setting, hessian, layer.Name, cancellation, inside);
            return (quantized.Dequantized, quantized.Report);
        }
        var compensated = LowRankCompensation.Compensate(weight, layer.OutFeatures, layer.InFeatures, setting, lowRank, hessian, layer.Name,
            cancellation: cancellation, inside: inside);
        var f = compensated.Factors;
        var effective = TruncatedSvd.Product(f.Left, f.Right, layer.OutFeatures, layer.InFeatures, f.Rank);
        var q = compensated.Quantized.Dequantized;
        for (var i = 0; i < effective.Length; i++)
            effective[i] += q[i];
        var report = compensated.Quantized.Report with
        {
            OverheadWords = compensated.Quantized.Report.OverheadWords + (long)f.Rank * (layer.OutFeatures + layer.InFeatures),
            RelativeError = compensated.RelativeError,
            LowRankRank = f.Rank,
            UncompensatedRelativeError = compensated.UncompensatedRelativeError,
        };
        return (effective, report);
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
        _tensors.Clear();
    }
}
