using System.CommandLine;
using System.IO;
using System.Linq;
using QRecipe.Cli.Heatmap;
using QRecipe.Plan;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Commands;

/// <summary><c>qrecipe explain RECIPE [--block B] [--step S]</c>: what every operator does at one (block, step), and
/// how many cells each rule decides.</summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Argument<string>("recipe") { Description = "A .qrecipe file" };
        var block = new Option<int>("--block") { Description = "Block index (default 0)" };
        var step = new Option<int>("--step") { Description = "Sampling step, 0 = first and noisiest (default 0)" };
        var svg = new Option<string?>("--svg") { Description = "Write a heatmap of blocks x operators (one panel per distinct step range) as SVG" };
        var png = new Option<string?>("--png") { Description = "Write the same heatmap as PNG" };
        var command = new Command("explain", "Show the resolved settings of one block at one step, and what each rule decides");
        command.Arguments.Add(recipe);
        command.Options.Add(block);
        command.Options.Add(step);
        command.Options.Add(svg);
        command.Options.Add(png);
        command.SetAction(result => Run(result.GetRequiredValue(recipe), result.GetValue(block), result.GetValue(step), result.GetValue(svg), result.GetValue(png), output, error));
        return command;
    }

    private static int Run(string path, int block, int step, string? svg, string? png, TextWriter output, TextWriter error)
    {
        var status = RecipeFiles.TryCompileOne(path, output, error, out var compiled, out var compilation);
        if (compiled is not { } plan || compilation is null)
            return status;
        if ((uint)block >= (uint)plan.Depth || (uint)step >= (uint)plan.Steps)
        {
            error.WriteLine($"qrecipe: block must be in 0..{plan.Depth - 1} and step in 0..{plan.Steps - 1}; got block {block}, step {step}");
            return CliApp.UsageError;
        }
        output.WriteLine($"{plan.Name}, block {block}, step {step} of {plan.Steps}:");
        foreach (var op in Operators.All)
        {
            var setting = Operators.IsPerBlock(op) ? plan.Get(new Step(step), new Block(block), op) : plan.GetGlobal(step, op);
            var weights = Operators.HasWeights(op) ? setting.Weights.ToString() : "—";
            output.WriteLine($"  {Operators.Name(op),-6} weights {weights}; activations {setting.Activations}; sc {Describe(setting.Sc)}");
            if (Operators.IsPerBlock(op) && plan.GetSmoothing(block, op) is { Method: not SmoothMethod.None } smooth)
                output.WriteLine($"         smoothing {Describe(smooth)}");
        }
        output.WriteLine("rules (cells selected → still deciding):");
        foreach (var rule in compilation.Rules)
            output.WriteLine($"  line {rule.Span.Line,3}: {rule.Aspect,-15} {rule.SelectedCells,7} → {rule.WinningCells}");
        PlanSummary.Write(plan, path, output);
        if (svg is not null || png is not null)
        {
            var panels = PlanHeatmap.Build(plan);
            var title = $"{plan.Name}: blocks x operators (blue: SC stream / 2^P; orange: weight bits; fp: white)";
            if (svg is not null)
                RecipeFiles.WriteAtomically(svg, HeatmapRenderer.Svg(title, panels));
            if (png is not null)
                RecipeFiles.WriteAtomically(png, HeatmapRenderer.Png(title, panels));
            output.WriteLine($"heatmap: {panels.Count} step range{(panels.Count == 1 ? string.Empty : "s")} ({ShortList.Join(", ", panels.Select(PlanHeatmap.Title))}){(svg is null ? string.Empty : " -> " + svg)}{(png is null ? string.Empty : " -> " + png)}");
        }
        return 0;
    }

    private static string Describe(ScSetting sc)
    {
        if (!sc.Enabled)
            return "off";
        var text = $"stream {sc.Stream} at precision {sc.Precision}, {sc.Kernel.ToString().ToLowerInvariant()} kernel, {sc.Mode.ToString().ToLowerInvariant()}, scramble {sc.Scramble.ToString().ToLowerInvariant()}";
        if (!sc.HeadStreams.IsEmpty)
            text += ", per head " + string.Join(" ", sc.HeadStreams);
        if (!sc.GroupStreams.IsEmpty)
            text += ", per group " + string.Join(" ", sc.GroupStreams);
        if (sc.MixedPrecision is { } mp)
        {
            text += mp.Adaptive is { } adaptive
                ? $", mp levels {string.Join(" ", mp.Levels)} adaptive alpha {adaptive.Alpha} beta {adaptive.Beta}"
                : $", mp levels {string.Join(" ", mp.Levels)} fractions {string.Join(" ", mp.Fractions)}";
        }
        if (sc.Range is { } range)
            text += $", range levels {string.Join(" ", range.Levels)} threshold {range.Threshold} group {range.GroupSize}";
        if (sc.Halve)
            text += ", halved";
        if (sc.Chunk > 0)
            text += $", chunk {sc.Chunk}";
        if (sc.Noise is { } noise)
            text += $", noise surrogate local {noise.Local} global {noise.Global}";
        if (sc.Debug)
            text += ", debug";
        return text;
    }

    private static string Describe(SmoothSetting smooth)
    {
        var alpha = smooth.Search is { } search ? $"alpha search {search.From}..{search.To} by {search.Step}" : $"alpha {smooth.Alpha}";
        var lowRank = smooth.LowRank is { } lr ? $", low-rank {lr.Rank} x {lr.Iterations} iterations" : string.Empty;
        return $"{smooth.Method.ToString().ToLowerInvariant()} {alpha}{lowRank}";
    }
}
