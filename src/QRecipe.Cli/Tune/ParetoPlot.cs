using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Tuning;
using ScottPlot;

namespace QRecipe.Cli.Tune;

/// <summary><c>pareto.png</c>: every configuration evaluated on the search seeds, cost against the error of its noise
/// prediction along the float trajectory (lower is better), with
/// the front the additive model predicts, the uniform configurations, the chosen one and the budget.</summary>
internal static class ParetoPlot
{
    public static byte[] Render(TuneOutcome outcome, IReadOnlyList<TuneEntry> search, string recipeName, string chosenKey, IReadOnlySet<string> uniformKeys, int seeds)
    {
        var kind = TuneBudget.KindName(outcome.Budget.Kind);
        var plot = new Plot();
        var front = outcome.Front;
        if (front.Count > 1)
        {
            var line = plot.Add.ScatterLine(front.Select(p => outcome.TopCost + p.Cost).ToArray(), front.Select(p => outcome.TopMse + p.Loss).ToArray());
            line.LegendText = "additive model's front (predicted)";
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
        }
        void Points(IEnumerable<TuneEntry> entries, string label, Color color, float size, MarkerShape shape)
        {
            var list = entries.Where(e => e.Metrics["eps_mse"] is not null).ToList();
            if (list.Count == 0)
                return;
            var points = plot.Add.ScatterPoints(list.Select(e => e.Cost[kind]).ToArray(), list.Select(e => e.Metrics["eps_mse"]!.Value).ToArray());
            points.LegendText = label;
            points.Color = color;
            points.MarkerSize = size;
            points.MarkerShape = shape;
        }
        Points(search.Where(e => e.Role == "sensitivity"), "sensitivity (one group lowered)", Colors.SteelBlue.WithAlpha(0.6), 6, MarkerShape.FilledCircle);
        Points(search.Where(e => e.Role is "search" or "refine"), "search and refining candidates", Colors.DarkOrange, 8, MarkerShape.FilledDiamond);
        Points(search.Where(e => uniformKeys.Contains(e.Key)), "uniform", Colors.Black, 11, MarkerShape.OpenSquare);
        Points(search.Where(e => e.Key == chosenKey), "chosen", Colors.Red, 16, MarkerShape.Asterisk);
        var budget = plot.Add.VerticalLine(outcome.Limit);
        budget.LegendText = $"budget ({outcome.Budget})";
        budget.Color = Colors.Red.WithAlpha(0.5);
        budget.LinePattern = LinePattern.Dotted;
        plot.Title($"{recipeName}: cost against quality on {seeds} search seeds");
        plot.XLabel(kind switch
        {
            "wbits" => "average weight bits",
            "bops" => "bit operations per MAC",
            "sc-bitops" => "SC bit operations per SC MAC (mean stream length)",
            _ => "share of float bit operations",
        });
        plot.YLabel("ε error vs float along the float trajectory (MSE)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(900, 560, ImageFormat.Png);
    }
}
