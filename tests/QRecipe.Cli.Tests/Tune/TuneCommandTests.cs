using System;
using System.IO;
using System.Linq;
using QRecipe.Language;

namespace QRecipe.Cli.Tests.Tune;

/// <summary><c>qrecipe tune</c> end to end on the bundled model with a two-step sampler and two search seeds: bad input
/// gets one line and its documented exit code, a rerun and shards reuse the log, the written recipe checks clean.</summary>
public sealed class TuneCommandTests
{
    // Two groups (fc1 of blocks 0 and 1 at 8 or 4 bits): lowering one costs 8 − 4·65536/(6·294912) = 7.852 wbits,
    // both 7.704, so 7.9 allows exactly one.
    private const string Recipe = """
        recipe Small "two groups"
        model fmnist-dit/4 image 28
        sampler ddim steps 2 cfg 4
        weights int8
        activations int8
        tune budget wbits 7.9 seeds 2 {
          wbits fc1 blocks 0..1 choices 8 4 per-block
        }
        """;

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_rerun_reads_every_configuration_from_the_log_and_the_written_recipe_checks_clean()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("small.qrecipe", Recipe);
        var outDir = Path.Combine(folder.Path, "out");
        var (code, output, error) = CliRunner.Run("tune", recipe, "--out", outDir, "--refine", "2", "--validate", "0");
        Assert.True(code == 0, error);
        var log = File.ReadAllLines(Path.Combine(outDir, "tune.jsonl"));
        // Top, two single-group lowerings; the search, uniform and refining candidates are among them or new.
        Assert.True(log.Length >= 3, string.Join("\n", log));
        var tuned = File.ReadAllText(Path.Combine(outDir, "tuned.qrecipe"));
        var compilation = RecipeCompiler.Compile(tuned, "tuned.qrecipe");
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal("SmallTuned", compilation.Plan!.Name);
        Assert.Contains("weights int4 per-channel symmetric rtn on fc1", tuned);
        Assert.True(new FileInfo(Path.Combine(outDir, "pareto.png")).Length > 1000);
        Assert.Contains("| tuned | 7.852 |", File.ReadAllText(Path.Combine(outDir, "report.md")));

        var (again, rerun, rerunError) = CliRunner.Run("tune", recipe, "--out", outDir, "--refine", "2", "--validate", "0");
        Assert.True(again == 0, rerunError);
        Assert.Contains($"{log.Length} logged evaluations", rerun);
        Assert.Contains("(0 evaluated,", rerun);
        Assert.DoesNotContain("noise prediction SNR", rerun);
        Assert.Equal(log, File.ReadAllLines(Path.Combine(outDir, "tune.jsonl")));
        Assert.Equal(tuned, File.ReadAllText(Path.Combine(outDir, "tuned.qrecipe")));
        Assert.Contains("sensitivity", output);
    }

    [Fact]
    public void Shards_split_the_sensitivity_stage_and_the_search_reads_their_logs()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("small.qrecipe", Recipe);
        var outDir = Path.Combine(folder.Path, "out");
        var (first, firstOutput, _) = CliRunner.Run("tune", recipe, "--out", outDir, "--shard", "0/2");
        var (second, secondOutput, _) = CliRunner.Run("tune", recipe, "--out", outDir, "--shard", "1/2");
        Assert.Equal((0, 0), (first, second));
        // Three sensitivity configurations: shard 0 has the first and third, shard 1 the second.
        Assert.Equal(2, Lines(File.ReadAllText(Path.Combine(outDir, "tune-shard-0-of-2.jsonl"))).Length);
        Assert.Single(Lines(File.ReadAllText(Path.Combine(outDir, "tune-shard-1-of-2.jsonl"))));
        Assert.Contains("shard 0/2: 2 sensitivity configurations", firstOutput);
        Assert.Contains("shard 1/2: 1 sensitivity configurations", secondOutput);
        Assert.False(File.Exists(Path.Combine(outDir, "tuned.qrecipe")));

        var (code, output, error) = CliRunner.Run("tune", recipe, "--out", outDir, "--refine", "0", "--validate", "0");
        Assert.True(code == 0, error);
        Assert.Contains("3 logged evaluations", output);
        Assert.DoesNotContain("sensitivity", output.Split('\n').Where(l => l.Contains("noise prediction SNR")).FirstOrDefault() ?? string.Empty);
        var merged = File.ReadAllLines(Path.Combine(outDir, "tune.jsonl"));
        Assert.Equal(3, merged.Count(l => l.Contains("\"role\":\"sensitivity\"")));
    }

    [Theory]
    [InlineData(null, "--budget", "watts=3", 2, "unknown budget kind 'watts'")]
    [InlineData(null, "--budget", "wbits=50%", 2, "wbits 50%: this budget is a plain number")]
    [InlineData(null, "--budget", "wbits", 2, "expected wbits=NUMBER")]
    [InlineData(null, "--budget", "wbits=7", 1, "below the cheapest configuration of the search space: every group at its last choice costs 7.704 wbits")]
    [InlineData(null, "--budget", "sc-bitops=50%", 1, "runs no cell in SC")]
    [InlineData(null, "--seeds", "0", 2, "--seeds 0")]
    [InlineData("recipe Plain\nmodel fmnist-dit/4 image 28\nsampler ddim steps 2\nweights int8\n", "--budget", "wbits=4", 1, "has no 'tune' section")]
    [InlineData("recipe Big\nmodel dit-s/8\nsampler ddim steps 2\nweights int8\ntune {\n  wbits fc1 choices 8 4\n}\n", "--budget", "wbits=4", 1, "not the bundled fmnist-dit/4")]
    public void Bad_input_is_one_line_with_its_exit_code(string? text, string option, string value, int expectedCode, string expected)
    {
        using var folder = new TempFolder();
        var recipe = folder.File("r.qrecipe", text ?? Recipe);
        var (code, _, error) = CliRunner.Run("tune", recipe, option, value, "--out", Path.Combine(folder.Path, "out"));
        Assert.Equal(expectedCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("qrecipe: ", line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "out")));
    }
}
