using System.Collections.Generic;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Pickle;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Qua2SeDiMo;

/// <summary>A plan as a Qua2SeDiMo per-layer config: one <c>method-bits</c> entry per weight layer of the diffusers
/// tree, in the module order. The config holds nothing else, so a plan with anything the file cannot say is refused
/// with every such setting listed; activations quantized per token go to Qua2SeDiMo's own flags.</summary>
public static class Qua2SeDiMoExporter
{
    public static (byte[] Pickle, IReadOnlyList<string> Flags) Export(RecipePlan plan, string path)
    {
        var refusals = new PlanRefusals(path, "a Qua2SeDiMo per-layer config");
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var layer in DitLayerNames.Diffusers(plan.Depth).Layers)
        {
            var weights = PlanCells.Weights(plan, layer.Cell, refusals);
            if (weights is null)
                continue;
            if (Qua2SeDiMoMethod.Of(weights) is { } method)
                entries.Add(new("model." + layer.Name + ".weight_quantizer", method.ToString()));
            else
                refusals.Add($"{PlanCells.Name(layer.Cell)}: weights {weights}; Qua2SeDiMo has uaq (per-channel asymmetric), kmeans-c (per-channel) and kmeans-a (per-tensor) at 3 or 4 bits");
        }
        var flags = new List<string>();
        var activations = PlanCells.UniformActivations(plan, refusals);
        if (activations is { IsFloat: false })
        {
            if (activations.Granularity == Granularity.PerToken && !activations.Symmetric && !activations.Static)
                flags.Add($"--quant_act --act_bit {activations.Bits}");
            else
                refusals.Add($"activations {activations}; Qua2SeDiMo quantizes activations per token, asymmetric and dynamic only");
        }
        refusals.RequireNoScOrSmoothing(plan);
        refusals.ThrowIfAny();
        return (PickleWriter.WriteStringDict(entries), flags);
    }
}
