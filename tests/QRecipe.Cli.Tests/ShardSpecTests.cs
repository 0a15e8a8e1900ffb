using System.Collections.Generic;
using System.IO;
using QRecipe.Cli.Run.Shards;

namespace QRecipe.Cli.Tests;

/// <summary>--shard I/N and --shard auto from Slurm's or Kubernetes' variables; every unusable combination is one line.</summary>
public sealed class ShardSpecTests
{
    private static (ShardSpec? Spec, string? Problem) Parse(string text, int? count, params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string>();
        foreach (var (name, value) in variables)
            environment[name] = value;
        var spec = ShardSpec.Parse(text, count, name => environment.GetValueOrDefault(name), out var problem);
        return (spec, problem);
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1", 0, 1)]
    public void Explicit_shards(string text, int index, int count)
    {
        var (spec, problem) = Parse(text, null);
        Assert.Null(problem);
        Assert.Equal((index, count), (spec!.Index, spec.Count));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/4/2")]
    public void Bad_explicit_shards(string text)
    {
        var (spec, problem) = Parse(text, null);
        Assert.Null(spec);
        Assert.Equal($"--shard {text}: expected I/N with 0 <= I < N (e.g. 0/4 .. 3/4), or auto", problem);
    }

    [Fact]
    public void Slurm_array_tasks_count_from_the_array_minimum()
    {
        var (spec, _) = Parse("auto", null, ("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "3"), ("SLURM_ARRAY_TASK_MAX", "6"));
        Assert.Equal((2, 4), (spec!.Index, spec.Count));
    }

    [Fact]
    public void Kubernetes_completion_index_with_the_count_from_the_variable_or_the_option()
    {
        Assert.Equal(7, Parse("auto", null, ("JOB_COMPLETION_INDEX", "7"), ("QRECIPE_SHARD_COUNT", "8")).Spec!.Index);
        Assert.Equal(8, Parse("auto", 8, ("JOB_COMPLETION_INDEX", "7")).Spec!.Count);
    }

    [Theory]
    [InlineData(null, "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N")]
    [InlineData("slurm-no-count", "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both in a job array)")]
    [InlineData("slurm-step", "--shard auto: the array runs 0..6 but has 4 tasks; use a contiguous --array such as 0-3")]
    [InlineData("slurm-outside", "--shard auto: SLURM_ARRAY_TASK_ID 4 is outside 0..3 (SLURM_ARRAY_TASK_MIN 0, SLURM_ARRAY_TASK_COUNT 4)")]
    [InlineData("k8s-no-count", "--shard auto: JOB_COMPLETION_INDEX is set but the number of shards is not: pass --shard-count N or set QRECIPE_SHARD_COUNT (the Job's completions)")]
    [InlineData("k8s-disagree", "--shard auto: --shard-count 4 disagrees with QRECIPE_SHARD_COUNT 5")]
    [InlineData("k8s-outside", "--shard auto: JOB_COMPLETION_INDEX 5 is not an integer in 0..4")]
    [InlineData("both", "--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give --shard I/N")]
    [InlineData("slurm-count-disagrees", "--shard-count 4 disagrees with Slurm array task 1 of 2")]
    public void Missing_or_inconsistent_variables_are_one_line(string? setup, string expected)
    {
        (int? Count, (string, string)[] Variables) input = setup switch
        {
            "slurm-no-count" => (null, [("SLURM_ARRAY_TASK_ID", "1")]),
            "slurm-step" => (null, [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "6")]),
            "slurm-outside" => (null, [("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4")]),
            "k8s-no-count" => (null, [("JOB_COMPLETION_INDEX", "1")]),
            "k8s-disagree" => (4, [("JOB_COMPLETION_INDEX", "1"), ("QRECIPE_SHARD_COUNT", "5")]),
            "k8s-outside" => (null, [("JOB_COMPLETION_INDEX", "5"), ("QRECIPE_SHARD_COUNT", "5")]),
            "both" => (null, [("JOB_COMPLETION_INDEX", "1"), ("SLURM_ARRAY_TASK_ID", "1")]),
            "slurm-count-disagrees" => (4, [("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2")]),
            _ => (null, []),
        };
        var (spec, problem) = Parse("auto", input.Count, input.Variables);
        Assert.Null(spec);
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("--compare-fp", "qrecipe: --compare-fp makes a report per run, not per shard; sample the float recipe with the same seed and shards instead (docs/cluster.md)")]
    [InlineData("--shard-count", "qrecipe: --shard-count goes with --shard auto")]
    [InlineData("--bad-shard", "qrecipe: --shard 2/2: expected I/N with 0 <= I < N (e.g. 0/4 .. 3/4), or auto")]
    public void The_run_command_refuses_before_any_work(string option, string expected)
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, "shards");
        string[] extra = option switch
        {
            "--compare-fp" => ["--shard", "0/2", "--compare-fp"],
            "--shard-count" => ["--shard-count", "2"],
            _ => ["--shard", "2/2"],
        };
        var (code, _, error) = CliRunner.Run(["run", recipe, .. ShardTestRun.Common, "--out", shards, .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(expected + "\n", error);
        Assert.False(Directory.Exists(shards));
    }
}
