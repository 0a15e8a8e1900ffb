using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>A rerun of a shard keeps the chunks already written and makes only the others; chunks of other settings
/// stop it.</summary>
public sealed class ShardResumeTests
{
    private static (int Code, string Output, string Error) Shard(string recipe, string folder, string shard, params string[] extra) =>
        CliRunner.Run(["run", recipe, .. ShardTestRun.Common, "--out", folder, "--shard", shard, .. extra]);

    [Fact]
    public void A_rerun_skips_the_chunks_present_and_remakes_the_missing_one()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, "shards");
        // Shard 0 of 2 owns chunks 0 and 1 (samples 0..5).
        var (code, _, error) = Shard(recipe, shards, "0/2");
        Assert.True(code == 0, error);
        var kept = Path.Combine(shards, "chunk-000000.npz");
        var lost = Path.Combine(shards, "chunk-000001.npz");
        var before = NpzFile.Read(lost);
        var keptTime = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(kept, keptTime);
        File.Delete(lost);

        var (again, output, againError) = Shard(recipe, shards, "0/2");
        Assert.True(again == 0, againError);
        Assert.Contains("shard 0/2: samples 0..5 of 10, chunks 0..1: 1 present, 1 to make", output);
        Assert.Equal(keptTime, File.GetLastWriteTimeUtc(kept));
        var remade = NpzFile.Read(lost);
        Assert.Equal(before.Keys.Order(), remade.Keys.Order());
        foreach (var (name, array) in before)
            Assert.Equal(array.Values, remade[name].Values);
        var log = File.ReadAllLines(Path.Combine(shards, "shard-0-of-2.log"));
        Assert.Single(log, l => l.EndsWith("chunk 0 present, skipped", StringComparison.Ordinal));
        Assert.Equal(2, log.Count(l => l.Contains("chunk 1 written", StringComparison.Ordinal)));

        var (done, doneOutput, _) = Shard(recipe, shards, "0/2");
        Assert.Equal(0, done);
        Assert.Contains("2 present, 0 to make", doneOutput);
        Assert.DoesNotContain("sampling", doneOutput);
    }

    [Fact]
    public void A_chunk_of_other_settings_stops_the_shard_with_one_line()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, "shards");
        Assert.Equal(0, Shard(recipe, shards, "3/4").Code);
        var chunk = Path.Combine(shards, "chunk-000003.npz");
        var before = File.ReadAllBytes(chunk);

        var (code, output, error) = Shard(recipe, shards, "3/4", "--seed", "7");
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {chunk} was made with seed 0, this run has 7; give another --out, or remove the folder's chunks to start over\n", error);
        Assert.Empty(output);
        Assert.Equal(before, File.ReadAllBytes(chunk));
    }

    [Fact]
    public void An_unreadable_chunk_stops_the_shard_with_one_line()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, "shards");
        Directory.CreateDirectory(shards);
        File.WriteAllText(Path.Combine(shards, "chunk-000000.npz"), "not a zip");
        var (code, _, error) = Shard(recipe, shards, "0/4");
        Assert.Equal(1, code);
        Assert.StartsWith($"qrecipe: {Path.Combine(shards, "chunk-000000.npz")}", error);
        Assert.EndsWith("; remove it to make the chunk again\n", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
