using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Cli;

/// <summary>A compact text summary of a plan: architecture, sampler, and per operator the quantizers in use and
/// where SC runs, with the compute-weighted SC budget, scmp's stream sum and the bit operations per image.</summary>
internal static class PlanSummary
{
    public static void Write(RecipePlan plan, string file, TextWriter output)
    {
        var model = plan.Model;
        output.WriteLine($"{SafeText.Escape(file)}: {plan.Name} — {SafeText.Escape(plan.Description)}");
        output.WriteLine($"  model   {model.Name}: depth {model.Depth}, hidden {model.Hidden}, {model.Heads} heads x {model.HeadDim}, patch {model.PatchSize}, {model.Tokens} tokens");
        output.WriteLine($"  sampler {plan.Sampler.Kind.ToString().ToLowerInvariant()}, {plan.Steps} steps, cfg {F(plan.Sampler.Cfg)}, seed {plan.Sampler.Seed}");
        if (plan.Calibration is { } calibration)
            output.WriteLine($"  calibration {calibration.Samples} samples at {calibration.Steps.Count} steps, batch {calibration.Batch}");
        var budget = PlanBudget.Of(plan);
        var rows = new List<string[]> { new[] { "operator", "weights", "activations", "SC cells", "mean L", "saved" } };
        foreach (var op in Operators.All)
        {
            var settings = Enumerable.Range(0, plan.Steps)
                .SelectMany(step => Operators.IsPerBlock(op) ? Enumerable.Range(0, plan.Depth).Select(b => plan.Get(new Step(step), new Block(b), op)) : new[] { plan.GetGlobal(step, op) })
                .ToList();
            var weights = Describe(settings.Select(s => Operators.HasWeights(op) ? s.Weights.ToString() : "—"));
            var activations = Describe(settings.Select(s => s.Activations.ToString()));
            var sc = budget.Operators.FirstOrDefault(o => o.Operator == op);
            var cells = sc is null ? "—" : $"{sc.Cells}/{settings.Count}";
            // Adaptive and range mixed precision are decided by the data: their cells count at the longest level,
            // so the mean is at most this and the saving at least this.
            var bound = sc is { BoundCells: > 0 };
            var mean = sc is null || sc.Cells == 0 ? "—" : (bound ? "<=" : string.Empty) + F(sc.StreamSum / sc.Cells);
            var saved = sc is null || sc.Cells == 0 ? "—" : (bound ? ">=" : string.Empty) + (sc.Savings * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
            rows.Add(new[] { Operators.Name(op), weights, activations, cells, mean, saved });
        }
        // Columns as wide as their longest entry ("int4 group 128 symmetric rtn (+1 more)" is longer than most):
        // text left-aligned, numbers right-aligned.
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            output.WriteLine("  " + string.Join(" ", row.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        output.WriteLine(budget.IsBound
            ? $"  SC runs {budget.ScFraction * 100:0.0}% of block MACs; stream work at most {budget.StreamMacs:0.###e+0} bit-MACs, at least {budget.Savings * 100:0.0}% below full length (adaptive and range mixed precision are decided by the data: their cells count at the longest level; a run reports what they used)"
            : $"  SC runs {budget.ScFraction * 100:0.0}% of block MACs; stream work {budget.StreamMacs:0.###e+0} bit-MACs, {budget.Savings * 100:0.0}% below full length");
        output.WriteLine($"  SC stream sum {(budget.IsBound ? "at most " : string.Empty)}{F(budget.StreamSum / plan.Steps)} per step, {F(budget.StreamSum)} over {plan.Steps} steps (scmp's total_stoc_budget)");
        var bops = PlanBops.Of(plan);
        output.WriteLine($"  bit operations {bops.Bops:0.###e+0} per image ({bops.Bops / bops.FloatBops * 100:0.0}% of float32), {bops.Bops / bops.Macs:0.#} per MAC; Qua2SeDiMo's estimate {bops.Qua2SeDiMoBops / 1e12:0.###} TBOPs");
    }

    /// <summary>The single value, or the most common one with a count of the others.</summary>
    private static string Describe(System.Collections.Generic.IEnumerable<string> values)
    {
        var groups = values.GroupBy(v => v).OrderByDescending(g => g.Count()).ToList();
        return groups.Count == 1 ? groups[0].Key : $"{groups[0].Key} (+{groups.Count - 1} more)";
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
