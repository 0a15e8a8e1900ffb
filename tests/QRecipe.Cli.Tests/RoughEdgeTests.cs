using System.IO;
using System.Linq;

namespace QRecipe.Cli.Tests;

/// <summary>Messages people read: a mistyped command gets the nearest one, warnings show settings as a recipe writes
/// them, and check's table stays aligned whatever its cells hold.</summary>
public sealed class RoughEdgeTests
{
    [Theory]
    [InlineData("rnu", "run")]
    [InlineData("chekc", "check")]
    [InlineData("exlpain", "explain")]
    public void A_mistyped_command_suggests_the_nearest(string typed, string meant)
    {
        var (code, output, error) = CliRunner.Run(typed, "x.qrecipe");

        Assert.Equal(2, code);
        Assert.Empty(output);
        var lines = error.TrimEnd().Split('\n');
        Assert.Equal($"qrecipe: unknown command '{typed}' (did you mean '{meant}'?); the commands are run, check, fmt, explain, eval, import, export, export-model, models, sc, selftest, bench, merge, tune", lines[0]);
        Assert.Equal("Run 'qrecipe --help' for usage.", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public void A_command_far_from_every_name_is_named_without_a_guess()
    {
        var (code, _, error) = CliRunner.Run("quantize");

        Assert.Equal(2, code);
        Assert.StartsWith("qrecipe: unknown command 'quantize'; the commands are run, check,", error);
    }

    [Fact]
    public void Export_warnings_write_settings_as_a_recipe_does()
    {
        var (code, _, error) = CliRunner.Run("export", "--format", "scmp-json", Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe"));

        Assert.Equal(0, code);
        // mp is on qk and av only: the other SC cells have none.
        Assert.Contains("warning: mixed precision differs between SC cells (levels 256 128 64 32 fractions 0.1 0.2 0.3 0.4; off); scmp has one value for the whole run", error);
        Assert.DoesNotContain("{", error);
    }

    [Fact]
    public void Check_table_columns_line_up_when_a_cell_holds_more_than_one_setting()
    {
        var (code, output, _) = CliRunner.Run("check", Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe"));

        Assert.Equal(0, code);
        var lines = output.Split('\n');
        var header = System.Array.FindIndex(lines, l => l.TrimStart().StartsWith("operator "));
        var table = lines.Skip(header).TakeWhile(l => !l.TrimStart().StartsWith("SC runs")).ToList();
        Assert.Equal(10, table.Count); // header + 9 operators
        Assert.Contains(table, l => l.Contains("(+1 more)"));
        // Text columns are padded to their widest cell and the last column is right-aligned, so every row is as long
        // as the header, and each column starts where the header's does.
        Assert.All(table, l => Assert.Equal(table[0].Length, l.Length));
        var activations = table[0].IndexOf("activations");
        Assert.All(table.Skip(1), l => Assert.NotEqual(' ', l[activations]));
        Assert.All(table.Skip(1), l => Assert.Equal(' ', l[activations - 1]));
    }
}
