using System.IO;

namespace QRecipe.Cli.Tests;

public sealed class FormatCommandTests
{
    private const string Messy = "recipe   A  \"x\"   // name\nmodel dit-s/2\n\n\n\nsampler  ddim steps 10\nat blocks 0,1 {   // first two\nweights int8\n}\n";

    [Fact]
    public void Fmt_rewrites_in_canonical_layout_and_keeps_comments()
    {
        var file = CheckCommandTests.TempRecipe(Messy);
        var (code, output, _) = CliRunner.Run("fmt", file);
        Assert.Equal(0, code);
        Assert.Contains("formatted", output);
        Assert.Equal("recipe A \"x\" // name\nmodel dit-s/2\n\nsampler ddim steps 10\nat blocks 0, 1 { // first two\n  weights int8\n}\n", File.ReadAllText(file));
    }

    [Fact]
    public void Fmt_check_reports_without_changing_the_file()
    {
        var file = CheckCommandTests.TempRecipe(Messy);
        var (code, output, _) = CliRunner.Run("fmt", "--check", file);
        Assert.Equal(1, code);
        Assert.Contains("not in canonical layout", output);
        Assert.Equal(Messy, File.ReadAllText(file));
    }

    [Fact]
    public void Fmt_leaves_a_file_with_syntax_errors_untouched()
    {
        var text = "recipe A\nmodel dit-s/2 {\n";
        var file = CheckCommandTests.TempRecipe(text);
        var (code, _, error) = CliRunner.Run("fmt", file);
        Assert.Equal(1, code);
        Assert.Contains("not formatted because of syntax errors", error);
        Assert.Equal(text, File.ReadAllText(file));
    }

    [Fact]
    public void Bundled_recipes_are_in_canonical_layout()
    {
        var (code, output, error) = CliRunner.Run("fmt", "--check", CliRunner.RecipesFolder);
        Assert.True(code == 0, output + error);
    }
}
