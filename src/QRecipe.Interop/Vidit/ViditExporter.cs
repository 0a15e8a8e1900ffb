using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Vidit;

/// <summary>A plan as a ViDiT-Q 2025-layout YAML: weight and activation widths as <c>n_bits</c> lists with the most
/// common width as default and anchored regular expressions per width, FP layers in <c>remain_fp_regex</c>, SmoothQuant
/// as <c>smooth_quant</c> with the weight-exponent α = 1 − migration. The layout has per-channel round-to-nearest
/// weights and per-token dynamic activations and no step dimension; anything else is refused, listed.</summary>
public static class ViditExporter
{
    public static string Export(RecipePlan plan, string path)
    {
        var refusals = new PlanRefusals(path, "a ViDiT-Q 2025-layout YAML");
        var names = DitLayerNames.Original(plan.Depth);
        var weightBits = new Dictionary<string, int>();
        var actBits = new Dictionary<string, int>();
        var wsym = new HashSet<bool>();
        var asym = new HashSet<bool>();
        foreach (var layer in names.Layers)
        {
            var weights = PlanCells.Weights(plan, layer.Cell, refusals);
            var activations = PlanCells.At(plan, 0, layer.Cell).Activations;
            for (var step = 1; step < plan.Steps; step++)
            {
                if (PlanCells.At(plan, step, layer.Cell).Activations != activations)
                    refusals.Add($"{PlanCells.Name(layer.Cell)}: activations change at step {step}; the 2025 layout has no step ranges");
            }
            if (weights is null)
                continue;
            if (weights.IsFloat != activations.IsFloat)
                refusals.Add($"{PlanCells.Name(layer.Cell)}: weights {weights} with activations {activations}; ViDiT-Q keeps a layer FP for both or neither");
            if (!weights.IsFloat && (weights.Method != WeightMethod.Rtn || weights.Granularity != Granularity.PerChannel))
                refusals.Add($"{PlanCells.Name(layer.Cell)}: weights {weights}; the 2025 layout quantizes weights per channel, round to nearest");
            if (!activations.IsFloat && (activations.Static || activations.Granularity != Granularity.PerToken))
                refusals.Add($"{PlanCells.Name(layer.Cell)}: activations {activations}; the 2025 layout quantizes activations per token, dynamic");
            if (!weights.IsFloat)
                wsym.Add(weights.Symmetric);
            if (!activations.IsFloat)
                asym.Add(activations.Symmetric);
            weightBits[layer.Name] = weights.Bits;
            actBits[layer.Name] = activations.Bits;
        }
        if (wsym.Count > 1 || asym.Count > 1)
            refusals.Add("symmetric and asymmetric layers mixed; the 2025 layout has one sym per operand");
        foreach (var op in new[] { Operator.Qk, Operator.Av })
        {
            if (Enumerable.Range(0, plan.Depth).Any(b => !plan.Get(new Step(0), new Block(b), op).Activations.IsFloat))
                refusals.Add($"activations on {Operators.Name(op)}: attention products are not exported");
        }
        if (plan.Palette.Any(s => s.Sc.Enabled))
            refusals.Add("stochastic computing (an sc section)");
        var alphas = new Dictionary<string, double>();
        foreach (var layer in names.Layers.Where(l => !l.Cell.IsGlobal))
        {
            var smooth = plan.GetSmoothing(layer.Cell.Block, layer.Cell.Op);
            if (smooth.Method == SmoothMethod.SmoothQuant)
                alphas[layer.Name] = smooth.Alpha;
            else if (smooth.Method == SmoothMethod.Ditas)
                refusals.Add($"{PlanCells.Name(layer.Cell)}: DiTAS smoothing; the 2025 layout has SmoothQuant with one α");
        }
        if (alphas.Values.Distinct().Count() > 1)
            refusals.Add("smoothing α differs between layers; the 2025 layout's smooth_quant has one α");
        if (weightBits.Count > 0 && weightBits.Values.All(b => b == 0))
            refusals.Add("every layer is FP; there is nothing to quantize");
        refusals.ThrowIfAny();

        var yaml = new StringBuilder();
        yaml.Append("# Exported by qrecipe from ").Append(plan.Name).Append('\n');
        var fp = weightBits.Where(p => p.Value == 0).Select(p => p.Key).ToList();
        if (fp.Count > 0)
            yaml.Append("remain_fp_regex: ").Append(Quote(Regex(fp))).Append('\n');
        Section(yaml, "weight", weightBits, wsym.FirstOrDefault());
        Section(yaml, "act", actBits, asym.FirstOrDefault());
        var slotsWeight = Slots(weightBits);
        var slotsAct = Slots(actBits);
        if (slotsWeight is not null || slotsAct is not null)
        {
            yaml.Append("mixed_precision:\n");
            foreach (var (key, slots) in new[] { ("weight", slotsWeight), ("act", slotsAct) })
            {
                if (slots is null)
                    continue;
                yaml.Append("  ").Append(key).Append(":\n    layer_name_regex:\n");
                foreach (var slot in slots)
                    yaml.Append("      - ").Append(Quote(slot)).Append('\n');
            }
        }
        if (alphas.Count > 0)
        {
            yaml.Append("smooth_quant:\n  alpha: ").Append((1 - alphas.Values.First()).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            yaml.Append("  layer_name_regex: ").Append(Quote(Regex(alphas.Keys.ToList()))).Append('\n');
        }
        return yaml.ToString();
    }

    private static List<int> Widths(Dictionary<string, int> bits) => bits.Values.Where(b => b != 0).Distinct().OrderBy(b => b).ToList();

    private static int Default(Dictionary<string, int> bits) =>
        bits.Values.Where(b => b != 0).GroupBy(b => b).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    private static void Section(StringBuilder yaml, string key, Dictionary<string, int> bits, bool symmetric)
    {
        var widths = Widths(bits);
        yaml.Append(key).Append(":\n");
        yaml.Append("  n_bits: [").Append(string.Join(", ", widths)).Append("]\n");
        yaml.Append("  i_bitwidth: ").Append(widths.IndexOf(Default(bits))).Append('\n');
        yaml.Append("  sym: ").Append(symmetric ? "true" : "false").Append('\n');
    }

    /// <summary>One regex slot per width (slot 0 for FP, left empty: remain_fp_regex holds those layers) naming the
    /// layers whose width is not the default; null when every quantized layer has the default.</summary>
    private static List<string>? Slots(Dictionary<string, int> bits)
    {
        var widths = Widths(bits);
        if (widths.Count <= 1)
            return null;
        var fallback = Default(bits);
        var slots = new List<string> { string.Empty };
        foreach (var width in widths)
        {
            var layers = bits.Where(p => p.Value == width && width != fallback).Select(p => p.Key).ToList();
            slots.Add(layers.Count == 0 ? string.Empty : Regex(layers));
        }
        return slots;
    }

    /// <summary>An anchored alternation of exact names, so it selects those layers and no other (ViDiT-Q searches
    /// unanchored: <c>blocks.2</c> would also hit blocks 20–27).</summary>
    private static string Regex(List<string> names) =>
        "^(" + string.Join("|", names.Select(n => n.Replace(".", "\\.", System.StringComparison.Ordinal))) + ")$";

    private static string Quote(string text) => "'" + text.Replace("'", "''", System.StringComparison.Ordinal) + "'";
}
