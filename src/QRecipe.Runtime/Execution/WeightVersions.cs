using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Dit;

namespace QRecipe.Runtime.Execution;

/// <summary>One quantized version of a layer's weight: the setting and the sampling steps whose cells multiply by it
/// (ascending).</summary>
public sealed record WeightVersion(LinearWeights Layer, WeightQuant Setting, IReadOnlyList<int> Steps);

/// <summary>Which weight versions a plan needs: every distinct (layer, quantized setting) in the order steps, blocks and
/// operators first ask for it, and the layers some cell multiplies in float.</summary>
public sealed class WeightVersions
{
    private WeightVersions(IReadOnlyList<WeightVersion> quantized, IReadOnlySet<LinearWeights> floatLayers)
    {
        Quantized = quantized;
        FloatLayers = floatLayers;
    }

    public IReadOnlyList<WeightVersion> Quantized { get; }

    public IReadOnlySet<LinearWeights> FloatLayers { get; }

    public static WeightVersions Of(RecipePlan plan, DitWeights weights)
    {
        var order = new List<(LinearWeights Layer, WeightQuant Setting)>();
        var steps = new Dictionary<(LinearWeights, WeightQuant), List<int>>();
        var floatLayers = new HashSet<LinearWeights>();
        void Need(LinearWeights layer, WeightQuant setting, int step)
        {
            if (setting.IsFloat)
            {
                floatLayers.Add(layer);
                return;
            }
            if (!steps.TryGetValue((layer, setting), out var list))
            {
                steps[(layer, setting)] = list = new List<int>();
                order.Add((layer, setting));
            }
            if (list.Count == 0 || list[^1] != step)
                list.Add(step);
        }
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                var b = weights.Blocks[block];
                Need(b.Qkv, plan.Get(new Step(step), new Block(block), Operator.Qkv).Weights, step);
                Need(b.Proj, plan.Get(new Step(step), new Block(block), Operator.Proj).Weights, step);
                Need(b.Fc1, plan.Get(new Step(step), new Block(block), Operator.Fc1).Weights, step);
                Need(b.Fc2, plan.Get(new Step(step), new Block(block), Operator.Fc2).Weights, step);
                Need(b.AdaLN, plan.Get(new Step(step), new Block(block), Operator.AdaLN).Weights, step);
            }
            var embed = plan.GetGlobal(step, Operator.Embed).Weights;
            Need(weights.Patch, embed, step);
            Need(weights.TimeMlp0, embed, step);
            Need(weights.TimeMlp2, embed, step);
            var final = plan.GetGlobal(step, Operator.Final).Weights;
            Need(weights.FinalAdaLN, final, step);
            Need(weights.FinalLinear, final, step);
        }
        var versions = new List<WeightVersion>(order.Count);
        foreach (var key in order)
            versions.Add(new WeightVersion(key.Layer, key.Setting, steps[key]));
        return new WeightVersions(versions, floatLayers);
    }
}
