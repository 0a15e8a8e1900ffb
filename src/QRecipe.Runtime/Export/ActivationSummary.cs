using System.Collections.Generic;
using System.Globalization;
using System.Text;
using QRecipe.Plan;

namespace QRecipe.Runtime.Export;

/// <summary>The <c>activations</c> metadata text of an exported model: one line per operator and run of steps with the
/// same activation quantizer and SC setting, e.g. <c>blocks.0 qk steps 0-49: int8 per-token symmetric dynamic; sc
/// precision 8 stream 256 kernel enable</c>, so the file says how its weights are meant to be run.</summary>
public static class ActivationSummary
{
    public static string Of(RecipePlan plan)
    {
        var text = new StringBuilder();
        for (var block = 0; block < plan.Depth; block++)
        {
            foreach (var op in Operators.PerBlock)
                Lines(text, $"blocks.{block} {Operators.Name(op)}", plan, step => plan.Get(new Step(step), new Block(block), op));
        }
        foreach (var op in Operators.Global)
            Lines(text, Operators.Name(op), plan, step => plan.GetGlobal(step, op));
        return text.ToString();
    }

    private static void Lines(StringBuilder text, string site, RecipePlan plan, System.Func<int, OpSetting> cell)
    {
        var steps = new List<int>();
        string? current = null;
        for (var step = 0; step <= plan.Steps; step++)
        {
            var describe = step < plan.Steps ? Describe(cell(step)) : null;
            if (describe != current && current is not null)
            {
                text.Append(site).Append(" steps ").Append(ExportNames.StepRanges(steps)).Append(": ").Append(current).Append('\n');
                steps.Clear();
            }
            current = describe;
            steps.Add(step);
        }
    }

    private static string Describe(OpSetting cell)
    {
        var activations = cell.Activations.ToString();
        if (!cell.Sc.Enabled)
            return activations;
        return activations + string.Create(CultureInfo.InvariantCulture,
            $"; sc precision {cell.Sc.Precision} stream {cell.Sc.Stream}{(cell.Sc.HeadStreams.IsEmpty && cell.Sc.GroupStreams.IsEmpty ? string.Empty : " (per head/group)")} kernel {cell.Sc.Kernel.ToString().ToLowerInvariant()} scramble {cell.Sc.Scramble.ToString().ToLowerInvariant()}{(cell.Sc.Noise is null ? string.Empty : " noise-model")}");
    }
}
