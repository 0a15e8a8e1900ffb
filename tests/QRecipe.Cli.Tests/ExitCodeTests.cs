namespace QRecipe.Cli.Tests;

/// <summary>Exit codes: 0 ok, 1 recipe errors, 2 usage errors, 3 runtime failures (4, a run whose activations became
/// non-finite, is in NonFiniteRunTests); errors are short lines, not the help text or a stack trace (unless --verbose).</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'; the commands are run,")]
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

    [Fact]
    public void Runtime_failure_exits_with_3_and_one_line_unless_verbose()
    {
        using var folder = new TempFolder();
        var notAFolder = folder.File("results", "a file where the results folder should go");
        var (code, output, error) = CliRunner.Run("run", "SmallCustomW4A8", "--synthetic", "--out", notAFolder);
        Assert.Equal(3, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal(new[] { $"qrecipe: The file '{notAFolder}' already exists.", "(run again with --verbose for the stack trace)" },
            error.TrimEnd().Split('\n'));

        var (verboseCode, _, verbose) = CliRunner.Run("run", "SmallCustomW4A8", "--synthetic", "--out", notAFolder, "--verbose");
        Assert.Equal(3, verboseCode);
        Assert.Contains("System.IO.IOException", verbose);
        Assert.Contains("   at ", verbose);
    }

    [Fact]
    public void Help_lists_every_command_and_run_options()
    {
        var (code, output, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "run <recipe>", "check <paths>", "fmt <paths>", "explain <recipe>", "import", "export <recipe>", "models", "--version" })
            Assert.Contains(command, output);
        var (runCode, run, _) = CliRunner.Run("run", "--help");
        Assert.Equal(0, runCode);
        foreach (var option in new[] { "--checkpoint", "--synthetic", "--samples", "--class", "--seed", "--device", "--out", "--compare-fp", "--noise", "--verbose" })
            Assert.Contains(option, run);
    }

    [Fact]
    public void Models_lists_the_catalogue_with_shapes()
    {
        var (code, output, _) = CliRunner.Run("models");
        Assert.Equal(0, code);
        // DiT-XL/2 at 256: depth 28, hidden 1152, 16 heads of 72, patch 2, 256 tokens, 118.60 GMACs per forward.
        Assert.Matches(@"dit-xl/2\s+256\s+28\s+1152\s+16\s+72\s+2\s+256\s+118\.60", output);
        Assert.Contains("model custom {", output);
    }
}
