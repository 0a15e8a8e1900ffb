using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>Writes per-layer, per-step-span quantizer clauses (weights or activations) as few recipe rules: the most
/// common clause of the block layers becomes the default, and every other clause one <c>at</c> rule per rectangle
/// of blocks × step spans, operators with the same rectangle sharing it. Rules never overlap, so none is overridden
/// (QR0700) and their order does not matter.</summary>
public sealed class QuantRules
{
    private readonly int _depth;
    private readonly IReadOnlyList<StepSpan> _spans;
    private readonly Dictionary<(int Span, Cell Cell), string> _clauses = new();

    public QuantRules(int depth, IReadOnlyList<StepSpan> spans)
    {
        _depth = depth;
        _spans = spans;
    }

    public void Set(int span, Cell cell, string clause) => _clauses[(span, cell)] = clause;

    public string? Get(int span, Cell cell) => _clauses.TryGetValue((span, cell), out var clause) ? clause : null;

    /// <summary>The statements for <paramref name="keyword"/> (<c>weights</c> or <c>activations</c>). Layers without a
    /// clause stay at <paramref name="unset"/>; embed and final are FP unless a clause names them, as in a recipe.</summary>
    public IEnumerable<string> Write(string keyword, string unset)
    {
        var blockCells = Enumerable.Range(0, _spans.Count)
            .SelectMany(s => Cell.WeightLayers(_depth).Where(c => !c.IsGlobal).Select(c => Get(s, c) ?? unset));
        var defaultClause = blockCells.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, System.StringComparer.Ordinal).First().Key;
        yield return $"{keyword} {defaultClause}";
        // clause → operator → block → spans that differ from the layer's baseline
        var overrides = new SortedDictionary<string, SortedDictionary<Operator, SortedDictionary<int, SortedSet<int>>>>(System.StringComparer.Ordinal);
        for (var span = 0; span < _spans.Count; span++)
        {
            foreach (var cell in Cell.WeightLayers(_depth))
            {
                var baseline = cell.IsGlobal ? "fp" : defaultClause;
                var clause = Get(span, cell) ?? (cell.IsGlobal ? "fp" : unset);
                if (clause == baseline)
                    continue;
                if (!overrides.TryGetValue(clause, out var byOp))
                    overrides[clause] = byOp = new();
                if (!byOp.TryGetValue(cell.Op, out var byBlock))
                    byOp[cell.Op] = byBlock = new();
                if (!byBlock.TryGetValue(cell.Block, out var spans))
                    byBlock[cell.Block] = spans = new();
                spans.Add(span);
            }
        }
        foreach (var (clause, byOp) in overrides)
        {
            // (blocks, spans) rectangles, then operators that share one.
            var rectangles = new List<(string Blocks, string Steps, List<Operator> Ops)>();
            foreach (var (op, byBlock) in byOp)
            {
                foreach (var group in byBlock.GroupBy(b => string.Join(",", b.Value)))
                {
                    var blocks = group.Select(g => g.Key).ToList();
                    var blockText = blocks[0] == Cell.Outside || blocks.Count == _depth ? string.Empty : " blocks " + IndexSelector.Write(blocks, _depth);
                    var steps = StepsText(group.First().Value);
                    var existing = rectangles.FindIndex(r => r.Blocks == blockText && r.Steps == steps);
                    if (existing >= 0)
                        rectangles[existing].Ops.Add(op);
                    else
                        rectangles.Add((blockText, steps, new List<Operator> { op }));
                }
            }
            foreach (var (blocks, steps, ops) in rectangles)
            {
                var on = string.Join(", ", ops.Select(Operators.Name));
                if (blocks.Length == 0 && steps.Length == 0)
                    yield return $"{keyword} {clause} on {on}";
                else
                    yield return $"at{blocks}{steps} {{ {keyword} {clause} on {on} }}";
            }
        }
    }

    private string StepsText(SortedSet<int> spans)
    {
        if (spans.Count == _spans.Count)
            return string.Empty;
        var steps = spans.SelectMany(s => Enumerable.Range(_spans[s].First, _spans[s].Last - _spans[s].First + 1)).ToList();
        var total = _spans.Sum(s => s.Last - s.First + 1);
        return " steps " + IndexSelector.Write(steps, total);
    }
}
