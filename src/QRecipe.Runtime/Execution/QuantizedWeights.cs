using System;
using System.Collections.Generic;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>Every weight layer quantized once per distinct setting the plan gives it (a recipe may change a layer's
/// weights by step; each version is made once, when the plan is bound), with the per-layer reports.</summary>
public sealed class QuantizedWeights : IDisposable
{
    private readonly Dictionary<(string Layer, WeightQuant Setting), Tensor> _tensors = new();
    private readonly List<WeightQuantReport> _reports = new();

    public IReadOnlyList<WeightQuantReport> Reports => _reports;

    /// <summary>The weight tensor a cell multiplies by: the quantized version, or the float weights for fp.</summary>
    public Tensor For(LinearWeights layer, WeightQuant setting) =>
        setting.IsFloat ? layer.Weight : _tensors[(layer.Name, setting)];

    public static QuantizedWeights Build(RecipePlan plan, DitWeights weights, Action<int, int>? progress = null)
    {
        var result = new QuantizedWeights();
        var jobs = new List<(LinearWeights Layer, WeightQuant Setting)>();
        void Need(LinearWeights layer, WeightQuant setting)
        {
            if (!setting.IsFloat && !jobs.Contains((layer, setting)))
                jobs.Add((layer, setting));
        }
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                var b = weights.Blocks[block];
                Need(b.Qkv, plan.Get(step, block, Operator.Qkv).Weights);
                Need(b.Proj, plan.Get(step, block, Operator.Proj).Weights);
                Need(b.Fc1, plan.Get(step, block, Operator.Fc1).Weights);
                Need(b.Fc2, plan.Get(step, block, Operator.Fc2).Weights);
                Need(b.AdaLN, plan.Get(step, block, Operator.AdaLN).Weights);
            }
            var embed = plan.GetGlobal(step, Operator.Embed).Weights;
            Need(weights.Patch, embed);
            Need(weights.TimeMlp0, embed);
            Need(weights.TimeMlp2, embed);
            var final = plan.GetGlobal(step, Operator.Final).Weights;
            Need(weights.FinalAdaLN, final);
            Need(weights.FinalLinear, final);
        }
        try
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                var (layer, setting) = jobs[i];
                var quantized = WeightQuantizer.Quantize(layer.Weight.AsSpan<float>(), layer.OutFeatures, layer.InFeatures, setting, null, layer.Name);
                result._tensors[(layer.Name, setting)] = Tensor.From(quantized.Dequantized, layer.OutFeatures, layer.InFeatures);
                result._reports.Add(quantized.Report);
                progress?.Invoke(i + 1, jobs.Count);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
        _tensors.Clear();
    }
}
