using System.IO;

namespace QRecipe.Cli.Tests;

/// <summary>merge refuses chunks that do not make one whole run: one line naming what is missing, duplicated or
/// inconsistent, exit 1, nothing written.</summary>
public sealed class ShardMergeErrorTests
{
    private static string Shards(TempFolder folder, string name, params string[] extra)
    {
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, name);
        var (code, _, error) = CliRunner.Run(["run", recipe, .. ShardTestRun.Common, "--out", shards, "--shard", "0/1", .. extra]);
        Assert.True(code == 0, error);
        return shards;
    }

    private static void Refused(TempFolder folder, string expected, params string[] folders)
    {
        var merged = Path.Combine(folder.Path, "samples.npz");
        var (code, output, error) = CliRunner.Run(["merge", .. folders, "--out", merged]);
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {expected}; nothing was written\n", error);
        Assert.Empty(output);
        Assert.False(File.Exists(merged));
        Assert.False(File.Exists(Path.Combine(folder.Path, "samples.json")));
    }

    [Fact]
    public void Missing_samples_are_named_with_their_chunks()
    {
        using var folder = new TempFolder();
        var shards = Shards(folder, "a");
        File.Delete(Path.Combine(shards, "chunk-000001.npz"));
        File.Delete(Path.Combine(shards, "chunk-000003.npz"));
        Refused(folder, "4 of 10 samples are missing: 3..5, 9 (chunks 1, 3); run their shards again", shards);
    }

    [Fact]
    public void A_chunk_in_two_folders_is_a_duplicate()
    {
        using var folder = new TempFolder();
        var shards = Shards(folder, "a");
        var copy = Directory.CreateDirectory(Path.Combine(folder.Path, "b")).FullName;
        File.Copy(Path.Combine(shards, "chunk-000002.npz"), Path.Combine(copy, "chunk-000002.npz"));
        Refused(folder, $"sample 6 is duplicated: both {Path.Combine(shards, "chunk-000002.npz")} and {Path.Combine(copy, "chunk-000002.npz")} hold it", shards, copy);
    }

    [Fact]
    public void Chunks_of_another_seed_are_inconsistent()
    {
        using var folder = new TempFolder();
        var shards = Shards(folder, "a");
        var other = Shards(folder, "b", "--seed", "8");
        File.Delete(Path.Combine(shards, "chunk-000003.npz"));
        File.Delete(Path.Combine(other, "chunk-000000.npz"));
        File.Delete(Path.Combine(other, "chunk-000001.npz"));
        File.Delete(Path.Combine(other, "chunk-000002.npz"));
        Refused(folder, $"{Path.Combine(shards, "chunk-000000.npz")} has seed 0 but {Path.Combine(other, "chunk-000003.npz")} has 8: they are chunks of different runs", shards, other);
    }

    [Fact]
    public void A_folder_without_chunks_is_refused()
    {
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run("merge", folder.Path, "--out", Path.Combine(folder.Path, "samples.npz"));
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: no chunk-NNNNNN.npz files in {folder.Path}\n", error);
    }
}
