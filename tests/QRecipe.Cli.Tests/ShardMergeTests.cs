using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>Four shards made by four processes and merged give the bits of one unsharded run.</summary>
public sealed class ShardMergeTests
{
    [Fact]
    public void Four_shard_processes_merge_into_the_bits_of_one_run()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("fm.qrecipe", ShardTestRun.Recipe);
        var shards = Path.Combine(folder.Path, "shards");
        var processes = Enumerable.Range(0, 4).Select(i => ShardTestRun.Start(recipe, shards, "--shard", $"{i}/4")).ToArray();
        foreach (var process in processes)
        {
            var (shardCode, _, shardError) = ShardTestRun.Finish(process);
            Assert.True(shardCode == 0, shardError);
        }
        // 10 samples in chunks of 3 make 4 chunks, one per shard.
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"chunk-00000{i}.npz"), Directory.GetFiles(shards, "chunk-*").Select(Path.GetFileName).Order());

        var merged = Path.Combine(folder.Path, "samples.npz");
        var (code, output, error) = CliRunner.Run("merge", shards, "--out", merged);
        Assert.True(code == 0, error);
        Assert.Contains("merged 10 samples of Fm from 4 chunks", output);

        var results = Path.Combine(folder.Path, "results");
        var (runCode, _, runError) = CliRunner.Run(["run", recipe, .. ShardTestRun.Common, "--out", results]);
        Assert.True(runCode == 0, runError);
        var run = Directory.GetDirectories(results).Single();
        var single = NpzFile.Read(Path.Combine(run, "samples.npz"));
        var sharded = NpzFile.Read(merged);
        Assert.Equal("|u1", sharded["arr_0"].DType);
        Assert.Equal(new[] { 10, 28, 28, 1 }, sharded["arr_0"].Shape);
        Assert.Equal(single["arr_0"].Values, sharded["arr_0"].Values);
        Assert.Equal(single["arr_1"].Values, sharded["arr_1"].Values);
        // The float samples behind the bytes agree bit for bit too.
        var latents = NpyFile.Read(Path.Combine(run, "latents.npy")).Values.Select(v => BitConverter.SingleToUInt32Bits((float)v));
        var chunks = Directory.GetFiles(shards, "chunk-*").Order().SelectMany(f => NpzFile.Read(f)["samples"].Values).Select(v => BitConverter.SingleToUInt32Bits((float)v));
        Assert.Equal(latents, chunks);

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "samples.json"))).RootElement;
        Assert.Equal(10, manifest.GetProperty("n").GetInt32());
        var identity = manifest.GetProperty("run");
        Assert.Equal("synthetic weights, seed 0", identity.GetProperty("checkpoint_hash").GetString());
        Assert.Equal("ddpm", identity.GetProperty("sampler").GetString());
        Assert.Equal("3", identity.GetProperty("steps").GetString());
        Assert.Equal("2", identity.GetProperty("cfg").GetString());
        Assert.Equal("3", identity.GetProperty("chunk_size").GetString());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(recipe))), identity.GetProperty("recipe_hash").GetString());
    }
}
