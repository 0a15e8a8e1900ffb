using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace QRecipe.Cli.Tests;

/// <summary>
/// qrecipe run on checkpoints with planted values: a NaN or infinite weight is refused at load (exit 1, one line
/// naming the file and the tensor); finite weights that make one operator overflow stop the run there (exit 4, one
/// line naming the step, block and operator) with no result files, whatever the recipe does with that operator.
/// </summary>
public sealed class NonFiniteRunTests
{
    private static (int Code, string Output, string Error, string Results) Run(TempFolder folder, string body, string checkpoint, params string[] extra)
    {
        var recipe = folder.File("tiny.qrecipe", $"recipe Tiny\n{TinyDitCheckpoint.ModelLine}\nsampler ddim steps 4 cfg 1.5\n{body}\n");
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run(new[] { "run", recipe, "--checkpoint", checkpoint, "--samples", "2", "--out", results }.Concat(extra).ToArray());
        return (code, output, error, results);
    }

    /// <summary>The files every run folder under <paramref name="results"/> holds.</summary>
    private static string[] Files(string results) =>
        Directory.GetDirectories(results).SelectMany(Directory.GetFiles).Select(Path.GetFileName).Order().ToArray()!;

    [Theory]
    [InlineData("weights fp\nactivations fp on all")]
    [InlineData("weights int8 per-channel\nactivations int8 per-token dynamic on all", "--compare-fp")]
    public void An_infinite_weight_is_refused_at_load_naming_tensor_and_file(string body, params string[] extra)
    {
        using var folder = new TempFolder();
        var checkpoint = TinyDitCheckpoint.Write(folder.File("inf.safetensors"), t => t["final_layer.linear.weight"].AsSpan().Fill(float.PositiveInfinity));
        var (code, _, error, results) = Run(folder, body, checkpoint, extra);
        Assert.Equal(1, code);
        // final_layer.linear.weight is [2·2·8, 32]: patch² × (4 eps + 4 variance channels) rows of hidden 32.
        Assert.Equal($"qrecipe: {checkpoint}: 1024 of the 1024 values of tensor 'final_layer.linear.weight' are NaN or infinite, the first +Inf at [0, 0]; "
            + "the weights must be finite\n", error);
        Assert.Equal(new[] { "log.txt" }, Files(results));
    }

    /// <summary>fc1 of block 1 outputs its bias 1e30 (its weight is 0), GELU keeps it, and fc2 (weights 1e10) sums
    /// 128 × 1e30 × 1e10 = 1.28e42, past float32's 3.4e38, in every output of the first step's first forward.</summary>
    private static void Fc2Overflows(Dictionary<string, float[]> t)
    {
        t["blocks.1.mlp.fc1.weight"].AsSpan().Clear();
        t["blocks.1.mlp.fc1.bias"].AsSpan().Fill(1e30f);
        t["blocks.1.mlp.fc2.weight"].AsSpan().Fill(1e10f);
    }

    [Theory]
    [InlineData("weights fp\nactivations fp on all")]
    [InlineData("weights fp\nactivations fp on all", "--compare-fp")]
    [InlineData("weights int8 per-channel\nactivations int8 per-token dynamic on all")]
    [InlineData("weights int8 per-channel\nactivations int8 per-token dynamic on all", "--compare-fp")]
    [InlineData("weights int8 per-channel\nactivations int8 on all\nsc precision 8 { fc2 stream 64 }")]
    [InlineData("weights int8 per-channel\nactivations int8 on all\nsc precision 8 noise { fc2 stream 64 }")]
    public void An_overflowing_operator_is_named_and_no_result_files_are_left(string body, params string[] extra)
    {
        using var folder = new TempFolder();
        var checkpoint = TinyDitCheckpoint.Write(folder.File("overflow.safetensors"), Fc2Overflows);
        var (code, _, error, results) = Run(folder, body, checkpoint, extra);
        Assert.Equal(4, code);
        var log = Path.Combine(Directory.GetDirectories(results).Single(), "log.txt");
        var lines = error.TrimEnd('\n').Split('\n');
        var line = Assert.Single(lines);
        Assert.StartsWith("qrecipe: non-finite activation at step 0, block 1, operator fc2 (blocks.1.mlp.fc2): 2048 of 2048 values are NaN or infinite, the first is ",
            line);
        Assert.EndsWith($"; no result files were written, {log} has the log", line);
        Assert.Equal(new[] { "log.txt" }, Files(results));
        Assert.Contains("failed: non-finite activation at step 0, block 1, operator fc2", File.ReadAllText(log));
    }
}
