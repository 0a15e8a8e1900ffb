using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using QRecipe.Cli.Output;

namespace QRecipe.Cli.Heatmap;

/// <summary>Draws heatmap panels side by side: SVG with labels, PNG with the same geometry and colours.</summary>
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

    public static byte[] Png(IReadOnlyList<HeatmapPanel> panels)
    {
        var (width, height) = Size(panels);
        var rgb = Enumerable.Repeat((byte)255, width * height * 3).ToArray();
        for (var p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            for (var block = 0; block < panel.Cells.GetLength(0); block++)
            {
                for (var c = 0; c < PlanHeatmap.Columns.Length; c++)
                {
                    var cell = panel.Cells[block, c];
                    // One pixel of white between cells, as the SVG's stroke.
                    var x0 = Left(p) + c * CellWidth;
                    var y0 = TitleHeight + block * CellHeight;
                    for (var y = y0 + 1; y < y0 + CellHeight - 1; y++)
                    {
                        for (var x = x0 + 1; x < x0 + CellWidth - 1; x++)
                        {
                            var i = (y * width + x) * 3;
                            rgb[i] = cell.Red;
                            rgb[i + 1] = cell.Green;
                            rgb[i + 2] = cell.Blue;
                        }
                    }
                }
            }
        }
        return PngWriter.Encode(width, height, rgb);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
