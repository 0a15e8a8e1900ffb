using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using QRecipe.Cli.Output;
using SkiaSharp;

namespace QRecipe.Cli.Heatmap;

/// <summary>Draws heatmap panels side by side: SVG, and PNG with the same geometry, labels and colours plus a legend.</summary>
internal static class HeatmapRenderer
{
    private const int CellWidth = 44;
    private const int CellHeight = 16;
    private const int Margin = 40;
    private const int Gap = 24;
    private const int TitleHeight = 34;

    private static int PanelWidth => CellWidth * PlanHeatmap.Columns.Length;

    private static (int Width, int Height) Size(IReadOnlyList<HeatmapPanel> panels)
    {
        var rows = panels[0].Cells.GetLength(0);
        return (Margin + panels.Count * (PanelWidth + Gap), TitleHeight + rows * CellHeight + Margin / 2);
    }

    private static int Left(int panel) => Margin + panel * (PanelWidth + Gap);

    public static string Svg(string title, IReadOnlyList<HeatmapPanel> panels)
    {
        var (width, height) = Size(panels);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"9\">\n"));
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Margin}\" y=\"12\" font-size=\"11\">{WebUtility.HtmlEncode(title)}</text>\n"));
        for (var p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            var left = Left(p);
            svg.Append(Invariant($"<text x=\"{left}\" y=\"24\" font-size=\"10\">{PlanHeatmap.Title(panel)}</text>\n"));
            for (var c = 0; c < PlanHeatmap.Columns.Length; c++)
                svg.Append(Invariant($"<text x=\"{left + c * CellWidth + 2}\" y=\"{TitleHeight - 2}\">{PlanHeatmap.Columns[c]}</text>\n"));
            for (var block = 0; block < panel.Cells.GetLength(0); block++)
            {
                var top = TitleHeight + block * CellHeight;
                if (p == 0)
                    svg.Append(Invariant($"<text x=\"{Margin - 4}\" y=\"{top + 11}\" text-anchor=\"end\">{block}</text>\n"));
                for (var c = 0; c < PlanHeatmap.Columns.Length; c++)
                {
                    var cell = panel.Cells[block, c];
                    var x = left + c * CellWidth;
                    svg.Append(Invariant($"<rect x=\"{x}\" y=\"{top}\" width=\"{CellWidth}\" height=\"{CellHeight}\" fill=\"#{cell.Red:x2}{cell.Green:x2}{cell.Blue:x2}\" stroke=\"white\"/>"));
                    svg.Append(Invariant($"<text x=\"{x + 3}\" y=\"{top + 11}\">{cell.Label}</text>\n"));
                }
            }
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The same picture as <see cref="Svg"/>, with a legend of the colours underneath.</summary>
    public static byte[] Png(string title, IReadOnlyList<HeatmapPanel> panels)
    {
        var (width, height) = Size(panels);
        // Drawn at twice the SVG's scale so the small labels stay legible.
        return Drawing.Png(PngScale * Math.Max(width, LegendWidth), PngScale * (height + LegendHeight), canvas =>
        {
            canvas.Scale(PngScale);
            Drawing.Text(canvas, title, Margin, 12, 11);
            for (var p = 0; p < panels.Count; p++)
            {
                var panel = panels[p];
                var left = Left(p);
                Drawing.Text(canvas, PlanHeatmap.Title(panel), left, 25, 10);
                for (var c = 0; c < PlanHeatmap.Columns.Length; c++)
                    Drawing.Text(canvas, PlanHeatmap.Columns[c], left + c * CellWidth + 2, TitleHeight - 2, 9);
                for (var block = 0; block < panel.Cells.GetLength(0); block++)
                {
                    var top = TitleHeight + block * CellHeight;
                    if (p == 0)
                        Drawing.Text(canvas, block.ToString(CultureInfo.InvariantCulture), Margin - 4, top + 11, 9, SKTextAlign.Right);
                    for (var c = 0; c < PlanHeatmap.Columns.Length; c++)
                        DrawCell(canvas, panel.Cells[block, c], left + c * CellWidth, top);
                }
            }
            DrawLegend(canvas, height + 6);
        });
    }

    private const int PngScale = 2;
    private const int LegendHeight = 44;
    private const int LegendStride = CellWidth + 100;
    private const int LegendWidth = Margin + 5 * LegendStride;

    private static void DrawCell(SKCanvas canvas, HeatmapCell cell, float x, float y)
    {
        // One pixel of white between cells, as the SVG's stroke.
        Drawing.Box(canvas, x + 1, y + 1, CellWidth - 2, CellHeight - 2, new SKColor(cell.Red, cell.Green, cell.Blue));
        // White text on dark cells (long SC streams, few weight bits), black elsewhere.
        var dark = 0.299 * cell.Red + 0.587 * cell.Green + 0.114 * cell.Blue < 140;
        Drawing.Text(canvas, cell.Label, x + 3, y + 11, 9, SKTextAlign.Left, dark ? SKColors.White : SKColors.Black);
    }

    private static void DrawLegend(SKCanvas canvas, float top)
    {
        Drawing.Text(canvas, "rows: blocks; W/A: weight and activation bits; L: SC stream length (L~ mean under mixed precision or per-head streams)", Margin, top + 8, 9, SKTextAlign.Left, SKColors.DimGray);
        for (var i = 0; i < PlanHeatmap.Legend.Count; i++)
        {
            var (cell, meaning) = PlanHeatmap.Legend[i];
            var x = Margin + i * LegendStride;
            DrawCell(canvas, cell, x, top + 16);
            Drawing.Text(canvas, meaning, x + CellWidth + 4, top + 27, 9);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
