using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace QRecipe.Cli.Tests;

/// <summary>One representative case per row of the exit-code table in docs/cli.md, each asserting the code the table
/// gives and one line naming the problem (130, Ctrl-C, needs a signal and is in RunCancellationTests).</summary>
public sealed class DocumentedExitCodeTests
{
    private const string Tiny = "recipe Tiny\n" + TinyDitCheckpoint.ModelLine + "\nsampler ddim steps 4 cfg 1.5\nweights int8\n";

    /// <summary>The codes the table lists, read from the docs rather than from the code under test.</summary>
    private static int[] DocumentedCodes()
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, "..", "docs", "cli.md"));
        return Regex.Matches(docs, @"^\| (\d+) \| ", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToArray();
    }

    [Fact]
    public void The_table_lists_exactly_the_codes_tested_here()
    {
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 130 }, DocumentedCodes());
    }

    [Fact]
    public void Success_is_0()
    {
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run("check", folder.File("tiny.qrecipe", Tiny));
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void An_input_file_with_errors_is_1()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy", "these are not latents");
        var (code, _, error) = CliRunner.Run("run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--noise", noise, "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {noise}: not a .npy file (it does not start with \\x93NUMPY)", error.TrimEnd('\n'));
    }

    [Fact]
    public void A_usage_error_is_2()
    {
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run("run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--samples", "0", "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(2, code);
        Assert.Equal("qrecipe: --samples 0: at least 1 sample", error.TrimEnd('\n'));
    }

    [Fact]
    public void A_runtime_failure_is_3()
    {
        using var folder = new TempFolder();
        var taken = folder.File("r", "a file where the results folder should go");
        var (code, _, error) = CliRunner.Run("run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--out", taken);
        Assert.Equal(3, code);
        Assert.StartsWith($"qrecipe: The file '{taken}' already exists.\n", error);
    }

    [Fact]
    public void A_non_finite_activation_is_4()
    {
        using var folder = new TempFolder();
        // Block 1's fc1 outputs 1e30 everywhere and fc2 (weights 1e10) sums 128 of them: past float32's range.
        var checkpoint = TinyDitCheckpoint.Write(folder.File("overflow.safetensors"), t =>
        {
            t["blocks.1.mlp.fc1.weight"].AsSpan().Clear();
            t["blocks.1.mlp.fc1.bias"].AsSpan().Fill(1e30f);
            t["blocks.1.mlp.fc2.weight"].AsSpan().Fill(1e10f);
        });
        var (code, _, error) = CliRunner.Run("run", folder.File("tiny.qrecipe", Tiny), "--checkpoint", checkpoint, "--samples", "1", "--out", Path.Combine(folder.Path, "r"));
        Assert.Equal(4, code);
        Assert.StartsWith("qrecipe: non-finite activation at step 0, block 1, operator fc2", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
