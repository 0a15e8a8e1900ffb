using System.Collections.Generic;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Ditas;

/// <summary>DiTAS settings as a recipe and back. Only the two widths in <c>config.py</c> are settings; the rest of
/// DiTAS is fixed in its code and becomes fixed recipe text (docs/interop.md): per-channel asymmetric weights,
/// per-tensor asymmetric dynamic activations on qkv, proj, fc1 and fc2, temporal-aggregated smoothing with α searched
/// over 0, 0.05, …, 1, rank-32 compensation over 10 rounds, calibration on 16 classes over 50 steps.</summary>
public static class DitasInterop
{
    private const string WeightBit = "global_weight_bit";
    private const string ActBit = "global_act_bit";
    private static readonly Operator[] s_layers = { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 };
    private static readonly SmoothSetting s_smoothing = new(SmoothMethod.Ditas, 0, new AlphaSearch(0, 1, 0.05), new LowRank(32, 10));

    /// <summary>DiTAS's α search and calibration run over exactly 50 steps.</summary>
    public const int Steps = 50;

    public static ImportResult Import(List<DitasConfig.Assignment> assignments, List<int> otherLines, ImportOptions options, string path)
    {
        var bag = new DiagnosticBag(path);
        int Bits(string name, int fallback) =>
            assignments.FirstOrDefault(a => a.Name == name) is { } a ? DitasConfig.Integer(a, path) : fallback;
        var weightBits = Bits(WeightBit, 4);
        var actBits = Bits(ActBit, 8);
        foreach (var a in assignments.Where(a => a.Name is not (WeightBit or ActBit)))
            bag.Comment($"{SafeText.Escape(a.Name, 60)} = {SafeText.Escape(a.Value, 60)}: not a quantization setting of DiTAS");
        if (otherLines.Count > 0)
            bag.Comment($"lines {ShortList.Join(", ", otherLines)}: not simple assignments, not read (config.py is never executed)", InteropDiagnostics.NoEquivalent);
        if (options.Steps != Steps)
            bag.Comment($"DiTAS samples {Steps} steps (its α search loops over exactly 50); the recipe samples {Steps}");
        bag.Comment("merge points: DiTAS folds the qkv and fc1 scales into the adaLN modulation and the proj scales into V, and smooths fc2 on the fly; the recipe folds every scale into its layer's weights, the same product");
        var writer = new RecipeWriter("DiTAS config.py", path, options, Steps, " cfg 1.5")
            .Line("calibrate samples 16 steps all batch 16")
            .Line($"weights int{weightBits} per-channel asymmetric on qkv, proj, fc1, fc2")
            .Line($"activations int{actBits} per-tensor asymmetric dynamic on qkv, proj, fc1, fc2")
            .Line("smooth ditas alpha search 0..1 by 0.05 lowrank 32 iterations 10 on qkv, proj, fc1, fc2")
            .Unrepresented(bag.Comments);
        return new ImportResult(writer.ToString(), bag.Items);
    }

    public static string Export(RecipePlan plan, string path)
    {
        var refusals = new PlanRefusals(path, "DiTAS's config.py");
        if (plan.Steps != Steps)
            refusals.Add($"{plan.Steps} steps; DiTAS runs {Steps}");
        if (plan.Palette.Any(s => s.Sc.Enabled))
            refusals.Add("stochastic computing (an sc section)");
        var weights = new HashSet<WeightQuant>();
        var activations = new HashSet<ActivationQuant>();
        foreach (var cell in Cell.WeightLayers(plan.Depth))
        {
            var ditasLayer = s_layers.Contains(cell.Op) && !cell.IsGlobal;
            for (var step = 0; step < plan.Steps; step++)
            {
                var setting = PlanCells.At(plan, step, cell);
                if (!ditasLayer)
                {
                    if (!setting.Weights.IsFloat || !setting.Activations.IsFloat)
                        refusals.Add($"{PlanCells.Name(cell)} is quantized; DiTAS quantizes qkv, proj, fc1 and fc2 only");
                    continue;
                }
                weights.Add(setting.Weights);
                activations.Add(setting.Activations);
            }
            if (ditasLayer && plan.GetSmoothing(cell.Block, cell.Op) != s_smoothing)
                refusals.Add($"{PlanCells.Name(cell)}: smoothing {Describe(plan.GetSmoothing(cell.Block, cell.Op))}; DiTAS has 'ditas alpha search 0..1 by 0.05 lowrank 32 iterations 10'");
        }
        var w = weights.Count == 1 ? weights.First() : null;
        var a = activations.Count == 1 ? activations.First() : null;
        if (w is null || w.IsFloat || w.Granularity != Granularity.PerChannel || w.Symmetric || w.Method != WeightMethod.Rtn)
            refusals.Add($"weights {string.Join("; ", weights)}; DiTAS has one width, per-channel asymmetric, round to nearest");
        if (a is null || a.IsFloat || a.Granularity != Granularity.PerTensor || a.Symmetric || a.Static)
            refusals.Add($"activations {string.Join("; ", activations)}; DiTAS has one width, per-tensor asymmetric dynamic");
        refusals.ThrowIfAny();
        return $"{ActBit} = {a!.Bits}\n{WeightBit} = {w!.Bits}\n";
    }

    private static string Describe(SmoothSetting smoothing) => smoothing.Method switch
    {
        SmoothMethod.None => "none",
        SmoothMethod.SmoothQuant => "smoothquant",
        _ => "ditas with other settings",
    };
}
