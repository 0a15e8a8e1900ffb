namespace QRecipe.Cli.Tests;

/// <summary>Exit codes: 0 ok, 1 recipe errors, 2 usage errors; usage errors are short lines, not the help text.</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'")]
    [InlineData(new[] { "check" }, "Required argument 'paths' missing")]
    [InlineData(new[] { "export", "x.qrecipe" }, "Option '--format' is required")]
    [InlineData(new[] { "import", "yaml", "x.json" }, "yaml")]
    public void Usage_errors_exit_with_2_and_one_line_each(string[] args, string message)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains(message, error);
        Assert.Contains("--help' for usage.", error);
        Assert.DoesNotContain("Usage:", error);
    }

    [Fact]
    public void Missing_file_is_a_usage_error()
    {
        var (code, _, error) = CliRunner.Run("check", "no/such/recipe.qrecipe");
        Assert.Equal(2, code);
        Assert.Contains("'no/such/recipe.qrecipe' does not exist", error);
    }

    [Fact]
    public void Version_prints_the_product_version()
    {
        var (code, output, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0", output);
    }
}
