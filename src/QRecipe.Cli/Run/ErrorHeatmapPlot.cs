using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;
using ScottPlot;

namespace QRecipe.Cli.Run;

/// <summary><c>errors.png</c>: each operator's relative L2 error against float (root mean square over blocks) at every
/// sampling step, on a log colour scale, with labelled axes and a colour bar. Blank cells are operators that did not
/// run at that step, or ran exactly.</summary>
internal static class ErrorHeatmapPlot
{
    public static byte[] Render(RecipePlan plan, OperatorErrors errors)
    {
        var operators = Operators.All;
        var values = new double[operators.Count, plan.Steps];
        for (int row = 0; row < operators.Count; row++)
        {
            for (int step = 0; step < plan.Steps; step++)
            {
                double error = errors.MeanOverBlocks(step, operators[row]);
                values[row, step] = error > 0 && double.IsFinite(error) ? Math.Log10(error) : double.NaN;
            }
        }
        var plot = new Plot();
        if (values.Cast<double>().Any(double.IsFinite))
        {
            var heatmap = plot.Add.Heatmap(values);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            var bar = plot.Add.ColorBar(heatmap);
            bar.Label = "log10 relative L2 error vs float";
        }
        else
        {
            // Nothing to colour: every operator matched float exactly (a float recipe).
            plot.Add.Text("every operator output equals float exactly", 0, (operators.Count - 1) / 2.0);
        }
        // The cells fill the frame: no auto-scale margin, so the step axis runs from the first step to the last.
        plot.Axes.SetLimits(-0.5, plan.Steps - 0.5, -0.5, operators.Count - 0.5);
        plot.Title($"{plan.Name}: operator error per sampling step");
        plot.XLabel("sampling step (0 = noisiest)");
        plot.YLabel("operator");
        // Row 0 is drawn at the top: its centre sits at y = rows - 1.
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int row = 0; row < operators.Count; row++)
            ticks.AddMajor(operators.Count - 1 - row, Operators.Name(operators[row]));
        plot.Axes.Left.TickGenerator = ticks;
        int width = Math.Clamp(240 + plan.Steps * 14, 640, 1600);
        return plot.GetImageBytes(width, 420, ImageFormat.Png);
    }
}
