using System.IO;
using System.Linq;
using QRecipe.Cli.Heatmap;
using QRecipe.Language;

namespace QRecipe.Cli.Tests;

public sealed class ExplainHeatmapTests
{
    private const string Recipe = """
        recipe Heat
        model dit-s/2
        sampler ddpm steps 10
        weights int4 group 64
        activations int8 on all
        sc precision 8 {
          qk steps noisiest 30% stream 256
          av blocks 2..3 stream 64
        }
        at blocks 0 {
          weights int8
        }
        """;

    [Fact]
    public void Panels_split_where_the_settings_change_by_step()
    {
        var plan = RecipeCompiler.Compile(Recipe).Plan!;
        var panels = PlanHeatmap.Build(plan);
        // qk runs SC in the noisiest ⌊0.3·10⌋ = 3 steps.
        Assert.Equal(new[] { (0, 2), (3, 9) }, panels.Select(p => (p.FirstStep, p.LastStep)));
        Assert.Equal("L256", panels[0].Cells[5, 1].Label);
        Assert.Equal("A8", panels[1].Cells[5, 1].Label);
        Assert.Equal("L64", panels[1].Cells[2, 2].Label);
        Assert.Equal("W8A8", panels[1].Cells[0, 0].Label);
        Assert.Equal("W4A8", panels[1].Cells[1, 0].Label);
        // Full-length stream is the darkest blue; a quarter-length one is lighter.
        Assert.Equal((35, 35, 255), (panels[0].Cells[5, 1].Red, panels[0].Cells[5, 1].Green, panels[0].Cells[5, 1].Blue));
        Assert.Equal(185, panels[1].Cells[2, 2].Red);
    }

    [Fact]
    public void Explain_writes_svg_and_png_of_the_same_geometry()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("heat.qrecipe", Recipe);
        var svg = folder.File("heat.svg");
        var png = folder.File("heat.png");
        var (code, output, error) = CliRunner.Run("explain", recipe, "--svg", svg, "--png", png);
        Assert.True(code == 0, error);
        Assert.Contains("heatmap: 2 step ranges (steps 0..2, steps 3..9)", output);
        Assert.Contains("SC runs", output); // the budget

        var text = File.ReadAllText(svg);
        Assert.StartsWith("<svg", text);
        // 12 blocks x 7 operators x 2 panels, plus the background.
        Assert.Equal(12 * 7 * 2 + 1, text.Split("<rect").Length - 1);
        var width = int.Parse(System.Text.RegularExpressions.Regex.Match(text, "width=\"(\\d+)\"").Groups[1].Value);
        var height = int.Parse(System.Text.RegularExpressions.Regex.Match(text, "height=\"(\\d+)\"").Groups[1].Value);

        // The PNG draws the SVG's picture and adds a legend underneath.
        var (pngWidth, pngHeight) = Output.PngFile.Size(File.ReadAllBytes(png));
        Assert.True(pngWidth >= width, $"PNG width {pngWidth} < SVG width {width}");
        Assert.True(pngHeight > height, $"PNG height {pngHeight} has no room for a legend under the SVG's {height}");
    }
}
