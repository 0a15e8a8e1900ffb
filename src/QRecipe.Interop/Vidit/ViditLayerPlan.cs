using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using QRecipe.Interop.Diagnostics;
using QRecipe.Interop.Layers;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Vidit;

/// <summary>Per step span and per named layer: weight bits, activation bits (0 = FP) and smoothing α, collected from
/// a ViDiT-Q configuration, then folded into QRecipe layers (q, k, v into qkv; the embedders into embed).</summary>
internal sealed class ViditLayerPlan
{
    private readonly Dictionary<(int Span, string Name), int> _weightBits = new();
    private readonly Dictionary<(int Span, string Name), int> _actBits = new();
    private readonly Dictionary<string, double> _alpha = new();

    public ViditLayerPlan(DitLayerNames names, IReadOnlyList<StepSpan> spans)
    {
        Names = names;
        Spans = spans;
    }

    public DitLayerNames Names { get; }

    public IReadOnlyList<StepSpan> Spans { get; }

    public void Weight(int span, DitLayer layer, int bits) => _weightBits[(span, layer.Name)] = bits;

    public void Activation(int span, DitLayer layer, int bits) => _actBits[(span, layer.Name)] = bits;

    /// <summary>The names a layer's width may be given under: its own, and for qkv its split parts q, k, v.</summary>
    private static IEnumerable<string> PartNames(DitLayer layer) =>
        layer.Name.EndsWith(".attn.qkv", System.StringComparison.Ordinal)
            ? new[] { layer.Name[..^3] + "q", layer.Name[..^3] + "k", layer.Name[..^3] + "v" }
            : new[] { layer.Name };

    public void Smooth(DitLayer layer, double alpha) => _alpha[layer.Name] = alpha;

    public void Unsmooth(DitLayer layer) => _alpha.Remove(layer.Name);

    /// <summary>Weights and activation rules from the bits per layer and the clause text per width.</summary>
    public (QuantRules Weights, QuantRules Activations) Rules(int depth, System.Func<int, string> weightClause, System.Func<int, string> actClause, DiagnosticBag bag)
    {
        var weights = new QuantRules(depth, Spans);
        var activations = new QuantRules(depth, Spans);
        for (var span = 0; span < Spans.Count; span++)
        {
            foreach (var group in Names.Layers.GroupBy(l => l.Cell))
            {
                weights.Set(span, group.Key, Fold(group, span, _weightBits, weightClause, "weight", bag));
                activations.Set(span, group.Key, Fold(group, span, _actBits, actClause, "activation", bag));
            }
        }
        return (weights, activations);
    }

    private string Fold(IEnumerable<DitLayer> parts, int span, Dictionary<(int, string), int> bits, System.Func<int, string> clause, string what, DiagnosticBag bag)
    {
        // A split part given in the file (attn.q) overrides its fused layer's own width for that part.
        var values = parts.SelectMany(p => PartNames(p).Any(n => bits.ContainsKey((span, n)))
                ? PartNames(p).Select(n => (Name: n, Bits: bits.TryGetValue((span, n), out var b) ? b : bits.GetValueOrDefault((span, p.Name))))
                : new[] { (p.Name, Bits: bits.GetValueOrDefault((span, p.Name))) })
            .ToList();
        var distinct = values.Select(v => v.Bits).Distinct().ToList();
        var widest = distinct.Contains(0) ? 0 : distinct.Max();
        if (distinct.Count > 1)
        {
            bag.Report(InteropDiagnostics.PartsDiffer, $"{string.Join(", ", values.Select(v => $"{v.Name} {(v.Bits == 0 ? "FP" : v.Bits + "-bit")}"))} are one QRecipe layer ({PlanCells.Name(parts.First().Cell)}) with different {what} widths{SpanText(span)}; the recipe uses {(widest == 0 ? "FP" : widest + " bits")} (the widest)");
        }
        return widest == 0 ? "fp" : clause(widest);
    }

    private string SpanText(int span) => Spans.Count == 1 ? string.Empty : $" at steps {Spans[span].First}..{Spans[span].Last}";

    /// <summary><c>smooth smoothquant</c> statements for the smoothed block layers, grouped by α and operator.</summary>
    public IEnumerable<string> SmoothingLines(int depth)
    {
        var cells = Names.Layers.Where(l => _alpha.ContainsKey(l.Name) && !l.Cell.IsGlobal)
            .GroupBy(l => l.Cell).Select(g => (Cell: g.Key, Alpha: g.Max(l => _alpha[l.Name]))).ToList();
        foreach (var byAlpha in cells.GroupBy(c => c.Alpha).OrderBy(g => g.Key))
        {
            var alpha = byAlpha.Key.ToString("R", CultureInfo.InvariantCulture);
            foreach (var byBlocks in byAlpha.GroupBy(c => c.Cell.Op).GroupBy(g => string.Join(",", g.Select(c => c.Cell.Block).OrderBy(b => b))))
            {
                var ops = string.Join(", ", byBlocks.Select(g => Operators.Name(g.Key)));
                var blocks = byBlocks.First().Select(c => c.Cell.Block).OrderBy(b => b).ToList();
                yield return blocks.Count == depth
                    ? $"smooth smoothquant alpha {alpha} on {ops}"
                    : $"at blocks {IndexSelector.Write(blocks, depth)} {{ smooth smoothquant alpha {alpha} on {ops} }}";
            }
        }
    }

    public bool HasSmoothing => _alpha.Count > 0;
}
