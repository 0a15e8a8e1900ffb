using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Vidit;

/// <summary>The files of a legacy-layout ViDiT-Q export: the quant YAML, and when needed the FP list it names and the
/// timestep-wise weight and activation width files (null when the plan needs none).</summary>
public sealed record ViditLegacyFiles(string Yaml, string? FpList, string? WeightMp, string? ActMp);

/// <summary>
/// A plan as ViDiT-Q's legacy layout (docs/interop.md): one weight and one activation quantizer for the whole model,
/// the most common widths as the base, layers FP at every step in the <c>part_fp_list</c> file, and every other
/// width or step dependence in timestep-wise files whose <c>HI-LO</c> ranges count sampler steps down from the
/// noisiest. Unlike the 2025 layout it holds widths that change with the step. Anything else is refused, listed.
/// </summary>
public static class ViditLegacyExporter
{
    /// <param name="fpListName">The FP list's file name, as the YAML's <c>part_fp_list</c> refers to it (beside the YAML).</param>
    public static ViditLegacyFiles Export(RecipePlan plan, string path, string fpListName)
    {
        var refusals = new PlanRefusals(path, "a ViDiT-Q legacy-layout YAML");
        var layers = DitLayerNames.Original(plan.Depth).Layers;
        var steps = plan.Steps;
        var weightBits = new int[layers.Count, steps];
        var actBits = new int[layers.Count, steps];
        var weightKinds = new HashSet<WeightQuant>();
        var actKinds = new HashSet<ActivationQuant>();
        for (var l = 0; l < layers.Count; l++)
        {
            for (var step = 0; step < steps; step++)
            {
                var cell = PlanCells.At(plan, step, layers[l].Cell);
                if (cell.Weights.IsFloat != cell.Activations.IsFloat)
                    refusals.Add($"{PlanCells.Name(layers[l].Cell)}: weights {cell.Weights} with activations {cell.Activations} at step {step}; ViDiT-Q keeps a layer FP for both or neither");
                weightBits[l, step] = cell.Weights.Bits;
                actBits[l, step] = cell.Activations.Bits;
                if (!cell.Weights.IsFloat)
                    weightKinds.Add(cell.Weights with { Bits = 1 });
                if (!cell.Activations.IsFloat)
                    actKinds.Add(cell.Activations with { Bits = 1 });
            }
        }
        var weights = Single(weightKinds, "weight quantizers", refusals);
        var activations = Single(actKinds, "activation quantizers", refusals);
        if (weights is not null && (weights.Method is not (WeightMethod.Rtn or WeightMethod.Mse) || weights.Granularity is not (Granularity.PerChannel or Granularity.PerTensor)))
            refusals.Add($"weights {WithoutWidth(weights)}; the legacy layout has per-channel or per-tensor weights, min_max (rtn) or grid_search_lp (mse)");
        if (activations is not null && (activations.Static
                ? activations.Granularity != Granularity.PerTensor || activations.Symmetric
                : activations.Granularity is not (Granularity.PerToken or Granularity.PerTensor)))
            refusals.Add($"activations {WithoutWidth(activations)}; the legacy layout has dynamic per-token or per-tensor activations, or static per-tensor asymmetric ones");
        foreach (var op in new[] { Operator.Qk, Operator.Av })
        {
            if (Enumerable.Range(0, steps).Any(s => Enumerable.Range(0, plan.Depth).Any(b => !plan.Get(new Step(s), new Block(b), op).Activations.IsFloat)))
                refusals.Add($"activations on {Operators.Name(op)}: attention products are not exported");
        }
        if (plan.Palette.Any(s => s.Sc.Enabled))
            refusals.Add("stochastic computing (an sc section)");
        if (weights is null && activations is null)
            refusals.Add("every layer is FP; there is nothing to quantize");

        var alwaysFp = Enumerable.Range(0, layers.Count).Where(l => Enumerable.Range(0, steps).All(s => weightBits[l, s] == 0)).ToList();
        var alpha = Smoothing(plan, layers, alwaysFp, refusals);
        refusals.ThrowIfAny();

        var baseWeight = MostCommon(weightBits);
        var baseAct = MostCommon(actBits);
        var quantizedSomewhere = Enumerable.Range(0, layers.Count).Where(l => !alwaysFp.Contains(l)).ToList();
        var weightMp = TimestepWise(layers, weightBits, baseWeight, quantizedSomewhere, withFp: true);
        var actMp = TimestepWise(layers, actBits, baseAct, quantizedSomewhere, withFp: false);

        var yaml = new StringBuilder();
        yaml.Append("# Exported by qrecipe from ").Append(plan.Name).Append(" (ViDiT-Q legacy layout, ").Append(steps).Append(" sampling steps)\n");
        if (weightMp is not null)
        {
            var widths = Enumerable.Range(0, layers.Count).SelectMany(l => Enumerable.Range(0, steps).Select(s => weightBits[l, s]))
                .Where(b => b != 0).Distinct().OrderBy(b => b);
            yaml.Append("mixed_precision: [").Append(string.Join(", ", widths)).Append("]\n");
        }
        if (alwaysFp.Count > 0)
            yaml.Append("part_fp_list: ").Append(Quote("./" + fpListName)).Append('\n');
        if (plan.Calibration is { } calibration && (activations is { Static: true } || alpha is not null))
            yaml.Append("calib_data:\n  n_samples: ").Append(calibration.Samples).Append("\n  batch_size: ").Append(calibration.Batch).Append('\n');
        yaml.Append("quant:\n  weight:\n    quantizer:\n");
        yaml.Append("      n_bits: ").Append(baseWeight == 0 ? 8 : baseWeight).Append('\n');
        var w = weights ?? new WeightQuant(8, Granularity.PerChannel, 0, true, WeightMethod.Rtn);
        yaml.Append("      per_group: ").Append(w.Granularity == Granularity.PerChannel ? "'channel'" : "False").Append('\n');
        yaml.Append("      scale_method: ").Append(w.Method == WeightMethod.Mse ? "'grid_search_lp'" : "'min_max'").Append('\n');
        yaml.Append("      sym: ").Append(w.Symmetric ? "True" : "False").Append('\n');
        yaml.Append("  activation:\n    quantizer:\n");
        yaml.Append("      n_bits: ").Append(baseAct == 0 ? 8 : baseAct).Append('\n');
        var a = activations ?? new ActivationQuant(8, Granularity.PerToken, 0, false, false);
        yaml.Append("      per_group: ").Append(a.Granularity == Granularity.PerToken ? "'token'" : "False").Append('\n');
        yaml.Append("      sym: ").Append(a.Symmetric ? "True" : "False").Append('\n');
        yaml.Append("      dynamic: ").Append(a.Static ? "False" : "True").Append('\n');
        if (alpha is { } value)
            yaml.Append("      smooth_quant:\n        enable: True\n        alpha: ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        var fpList = alwaysFp.Count == 0 ? null : string.Concat(alwaysFp.Select(l => layers[l].Name + "\n"));
        return new ViditLegacyFiles(yaml.ToString(), fpList, weightMp, actMp);
    }

    /// <summary>The one quantizer (widths aside) of an operand, or a refusal listing the ones the plan mixes.</summary>
    private static T? Single<T>(HashSet<T> kinds, string what, PlanRefusals refusals) where T : class
    {
        if (kinds.Count > 1)
            refusals.Add($"{what} differ beyond their widths ({string.Join("; ", kinds.Select(k => WithoutWidth(k)))}); the legacy layout has one of each");
        return kinds.FirstOrDefault();
    }

    /// <summary>A quantizer as the plan prints it, less its width (the kinds collected here all carry width 1).</summary>
    private static string WithoutWidth(object quantizer) => quantizer.ToString()!.Replace("int1 ", string.Empty, System.StringComparison.Ordinal);

    /// <summary>The legacy α is the activation exponent, as in recipes; ViDiT-Q smooths every layer outside the FP
    /// list with it, so the plan must smooth exactly the block layers that are not FP at every step.</summary>
    private static double? Smoothing(RecipePlan plan, IReadOnlyList<DitLayer> layers, List<int> alwaysFp, PlanRefusals refusals)
    {
        var smoothed = new List<(DitLayer Layer, SmoothSetting Setting)>();
        for (var l = 0; l < layers.Count; l++)
        {
            if (layers[l].Cell.IsGlobal)
                continue;
            var setting = plan.GetSmoothing(layers[l].Cell.Block, layers[l].Cell.Op);
            if (setting.Method == SmoothMethod.Ditas)
                refusals.Add($"{PlanCells.Name(layers[l].Cell)}: DiTAS smoothing; the legacy layout has SmoothQuant with one α");
            if (setting.Method != SmoothMethod.None)
                smoothed.Add((layers[l], setting));
        }
        if (smoothed.Count == 0)
            return null;
        var alphas = smoothed.Select(s => s.Setting.Alpha).Distinct().ToList();
        if (alphas.Count > 1)
            refusals.Add("smoothing α differs between layers; the legacy layout's smooth_quant has one α");
        var expected = Enumerable.Range(0, layers.Count).Where(l => !layers[l].Cell.IsGlobal && !alwaysFp.Contains(l)).Select(l => layers[l]).ToList();
        var missing = expected.Except(smoothed.Select(s => s.Layer)).ToList();
        if (missing.Count > 0)
            refusals.Add($"smoothing leaves out {PlanCells.Name(missing[0].Cell)}{(missing.Count > 1 ? $" and {missing.Count - 1} more" : string.Empty)}; ViDiT-Q smooths every layer outside its FP list");
        return alphas[0];
    }

    private static int MostCommon(int[,] bits) =>
        Enumerable.Range(0, bits.GetLength(0)).SelectMany(l => Enumerable.Range(0, bits.GetLength(1)).Select(s => bits[l, s]))
            .Where(b => b != 0).GroupBy(b => b).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault();

    /// <summary>The timestep-wise file: ranges of steps over which every layer keeps its width, each listing the
    /// layers off the base width, and (weights file) <c>fp_layers</c> for layers FP in some steps only. Null when
    /// every layer has the base width at every step.</summary>
    private static string? TimestepWise(IReadOnlyList<DitLayer> layers, int[,] bits, int baseBits, List<int> candidates, bool withFp)
    {
        var steps = bits.GetLength(1);
        string Signature(int step) => string.Join(",", candidates.Select(l => bits[l, step]));
        if (candidates.All(l => Enumerable.Range(0, steps).All(s => bits[l, s] == baseBits || (!withFp && bits[l, s] == 0))))
            return null;
        var ranges = new List<(int First, int Last)>();
        for (var step = 0; step < steps; step++)
        {
            if (ranges.Count > 0 && Signature(ranges[^1].First) == Signature(step))
                ranges[^1] = (ranges[^1].First, step);
            else
                ranges.Add((step, step));
        }
        // Recipe step s is sampler index T−1−s: the noisiest step, recipe step 0, is the highest index.
        string Key((int First, int Last) r) => $"{steps - 1 - r.First}-{steps - 1 - r.Last}";
        var text = new StringBuilder();
        var fp = new StringBuilder();
        foreach (var range in ranges)
        {
            var off = candidates.Where(l => bits[l, range.First] != baseBits && bits[l, range.First] != 0).ToList();
            text.Append(Key(range)).Append(':').Append(off.Count == 0 ? " {}\n" : "\n");
            foreach (var l in off)
                text.Append("  ").Append(layers[l].Name).Append(": ").Append(bits[l, range.First]).Append('\n');
            var fpLayers = candidates.Where(l => bits[l, range.First] == 0).Select(l => layers[l].Name).ToList();
            fp.Append("  ").Append(Key(range)).Append(": [").Append(string.Join(", ", fpLayers)).Append("]\n");
        }
        if (withFp)
            text.Append("fp_layers:\n").Append(fp);
        return text.ToString();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", System.StringComparison.Ordinal) + "'";
}
