using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution.Calibration;
using QRecipe.Runtime.Quantization.Smoothing;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution.Smoothing;

/// <summary>
/// The plan's smoothing applied to a model, as folded copies: the loaded <see cref="DitWeights"/> are shared (the
/// float reference runs on them) and are never changed. Per smoothed layer with factors s (docs/quantization.md):
/// qkv and fc1 get W·diag(s) and their block's adaLN shift/scale rows absorb 1/s; proj gets W·diag(s) and the
/// V rows of its block's qkv absorb 1/s; fc2 and adaln (no linear producer) keep their input and divide it by s on the
/// fly, their quantized weight being W·diag(s). Weights are multiplied by s before quantization. In floating point
/// the folded model computes the same function as the original.
/// </summary>
public sealed class SmoothedWeights : IDisposable
{
    private readonly Dictionary<string, LinearWeights> _folded = new();
    private readonly Dictionary<string, LinearWeights> _quantizable = new();
    private readonly Dictionary<string, float[]> _onTheFly = new();
    private readonly Dictionary<string, float[]> _factors = new();
    private readonly Dictionary<string, LowRank> _lowRank = new();
    private readonly List<SmoothingReport> _reports = new();

    /// <summary>No smoothing: every layer is its original.</summary>
    public static SmoothedWeights None() => new();

    /// <summary>Smoothing of weights that are already folded (an exported model holds each layer as
    /// <see cref="Quantizable"/> gave it): only the factors of the layers whose input is divided at run time.</summary>
    public static SmoothedWeights Prefolded(IReadOnlyDictionary<string, float[]> onTheFly)
    {
        var result = new SmoothedWeights();
        foreach (var (layer, s) in onTheFly)
        {
            result._onTheFly[layer] = s;
            result._factors[layer] = s;
        }
        return result;
    }

    /// <summary>s of every smoothed layer, by layer name.</summary>
    public IReadOnlyDictionary<string, float[]> Factors => _factors;

    /// <summary>The α of every smoothed layer, in block and operator order.</summary>
    public IReadOnlyList<SmoothingReport> Reports => _reports;

    /// <summary>The FP weights of the folded model for a layer, applied to the input the folded model delivers to it.</summary>
    public LinearWeights Folded(LinearWeights original) => _folded.GetValueOrDefault(original.Name) ?? original;

    /// <summary>What the layer's quantizer sees: <see cref="Folded"/>, times diag(s) for on-the-fly layers.</summary>
    public LinearWeights Quantizable(LinearWeights original) => _quantizable.GetValueOrDefault(original.Name) ?? Folded(original);

    /// <summary>s for layers whose input is divided at run time (fc2, adaln), else null.</summary>
    public float[]? OnTheFly(string layer) => _onTheFly.GetValueOrDefault(layer);

    /// <summary>DiTAS low-rank compensation of a smoothed layer, if the recipe asks for it.</summary>
    public LowRank? LowRankOf(string layer) => _lowRank.GetValueOrDefault(layer);

    /// <param name="settingStep">The step whose cells stand for each layer's weight and activation setting in the
    /// DiTAS search (the first calibrated step).</param>
    /// <param name="progress">Phase "smooth": 0 of the smoothed layers at once, the layer being computed, each one done.</param>
    /// <param name="cancellation">Checked before every layer (and inside a DiTAS α search).</param>
    public static SmoothedWeights Build(RecipePlan plan, DitWeights weights, CalibrationStatistics statistics, int settingStep,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var result = new SmoothedWeights();
        var copies = new Dictionary<string, (LinearWeights Original, float[] Weight, float[] Bias)>();
        (float[] Weight, float[] Bias) Copy(LinearWeights layer)
        {
            if (!copies.TryGetValue(layer.Name, out var copy))
                copies[layer.Name] = copy = (layer, layer.Weight.ToArray<float>(), layer.Bias.ToArray<float>());
            return (copy.Weight, copy.Bias);
        }
        var hidden = plan.Model.Hidden;
        var onTheFly = new List<LinearWeights>();
        var ops = new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2, Operator.AdaLN };
        var total = Enumerable.Range(0, plan.Depth).Sum(block => ops.Count(op => plan.GetSmoothing(block, op).Method != SmoothMethod.None));
        var done = 0;
        progress?.Report(new RunProgress("smooth", 0, total));
        for (var block = 0; block < plan.Depth; block++)
        {
            var b = weights.Blocks[block];
            foreach (var op in ops)
            {
                var smoothing = plan.GetSmoothing(block, op);
                if (smoothing.Method == SmoothMethod.None)
                    continue;
                var layer = op switch
                {
                    Operator.Qkv => b.Qkv,
                    Operator.Proj => b.Proj,
                    Operator.Fc1 => b.Fc1,
                    Operator.Fc2 => b.Fc2,
                    _ => b.AdaLN,
                };
                cancellation.ThrowIfCancellationRequested();
                progress?.Report(new RunProgress("smooth", done, total, $"{layer.Name} ({smoothing.Method.ToString().ToLowerInvariant()})"));
                var (s, report) = SmoothingFactors.Compute(smoothing, layer, plan.Get(new Step(settingStep), new Block(block), op), statistics, cancellation);
                result._factors[layer.Name] = s;
                result._reports.Add(report);
                if (smoothing.Method == SmoothMethod.Ditas && smoothing.LowRank is { } lowRank)
                    result._lowRank[layer.Name] = lowRank;
                switch (op)
                {
                    case Operator.Qkv or Operator.Fc1:
                        var (adaW, adaB) = Copy(b.AdaLN);
                        ModulationFolding.IntoModulation(adaW, adaB, b.AdaLN.InFeatures, hidden, op == Operator.Qkv ? 0 : 3, s);
                        SmoothFolding.ScaleColumns(Copy(layer).Weight, layer.OutFeatures, layer.InFeatures, s);
                        break;
                    case Operator.Proj:
                        var (qkvW, qkvB) = Copy(b.Qkv);
                        ModulationFolding.DivideRows(qkvW, qkvB, b.Qkv.InFeatures, 2 * hidden, s);
                        SmoothFolding.ScaleColumns(Copy(layer).Weight, layer.OutFeatures, layer.InFeatures, s);
                        break;
                    default:
                        result._onTheFly[layer.Name] = s;
                        onTheFly.Add(layer);
                        break;
                }
                progress?.Report(new RunProgress("smooth", ++done, total));
            }
        }
        try
        {
            foreach (var (name, copy) in copies)
                result._folded[name] = Tensors(name, copy.Weight, copy.Bias, copy.Original);
            // After every row fold (an adaln smoothed on the fly may also absorb qkv/fc1 factors in its rows).
            foreach (var layer in onTheFly)
            {
                var folded = result.Folded(layer);
                var weight = folded.Weight.ToArray<float>();
                SmoothFolding.ScaleColumns(weight, layer.OutFeatures, layer.InFeatures, result._onTheFly[layer.Name]);
                result._quantizable[layer.Name] = Tensors(layer.Name, weight, folded.Bias.ToArray<float>(), layer);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    private static LinearWeights Tensors(string name, float[] weight, float[] bias, LinearWeights shape) =>
        new(name, Tensor.From(weight, shape.OutFeatures, shape.InFeatures), Tensor.From(bias, shape.OutFeatures));

    public void Dispose()
    {
        foreach (var layer in _folded.Values)
            layer.Dispose();
        foreach (var layer in _quantizable.Values)
            layer.Dispose();
        _folded.Clear();
        _quantizable.Clear();
    }
}
