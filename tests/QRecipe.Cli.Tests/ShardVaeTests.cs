using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary><c>run --shard I/N --vae FILE</c> on the tiny latent DiT with the runtime tests' tiny VAE (4× upscaling,
/// 8×8×4 latents become 32×32×3 images): each chunk carries its decoded images, and the merged shards are the images
/// of the unsharded run, byte for byte.</summary>
public sealed class ShardVaeTests
{
    private static readonly string TinyVae = Path.Combine(AppContext.BaseDirectory, "Vae", "tiny_vae.safetensors");

    [Fact]
    public void Shards_with_a_vae_carry_decoded_images_and_merge_into_the_unsharded_run()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", "recipe Tiny\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\nweights int8\nactivations int8 per-tensor dynamic on all\n");
        string[] common = ["--synthetic", "--samples", "5", "--chunk", "2", "--vae", TinyVae];
        var shards = Path.Combine(folder.Path, "shards");
        foreach (var shard in new[] { "0/2", "1/2" })
        {
            var (shardCode, _, shardError) = CliRunner.Run(["run", recipe, .. common, "--shard", shard, "--out", shards]);
            Assert.True(shardCode == 0, shardError);
        }

        // 5 samples in chunks of 2: chunks 0 and 2 from shard 0, chunk 1 from shard 1.
        var chunks = Directory.GetFiles(shards, "chunk-*").Order(StringComparer.Ordinal).Select(NpzFile.Read).ToArray();
        Assert.Equal(3, chunks.Length);
        Assert.Equal(new[] { 2, 2, 1 }, chunks.Select(c => c["images"].Shape[0]));
        Assert.All(chunks, c => Assert.Equal(new[] { 32, 32, 3 }, c["images"].Shape.Skip(1)));
        Assert.All(chunks, c => Assert.Equal("|u1", c["images"].DType));
        Assert.All(chunks, c => Assert.Equal(new[] { 4, 8, 8 }, c["samples"].Shape.Skip(1)));

        var merged = Path.Combine(folder.Path, "samples.npz");
        var (code, output, error) = CliRunner.Run("merge", shards, "--out", merged);
        Assert.True(code == 0, error);
        Assert.Contains("merged 5 samples of Tiny from 3 chunks", output);

        var results = Path.Combine(folder.Path, "results");
        var (runCode, _, runError) = CliRunner.Run(["run", recipe, .. common, "--out", results]);
        Assert.True(runCode == 0, runError);
        var single = NpzFile.Read(Path.Combine(Directory.GetDirectories(results).Single(), "samples.npz"));
        var sharded = NpzFile.Read(merged);
        Assert.Equal(new[] { 5, 32, 32, 3 }, sharded["arr_0"].Shape);
        Assert.Equal(single["arr_0"].Shape, sharded["arr_0"].Shape);
        Assert.Equal(single["arr_0"].Values, sharded["arr_0"].Values);
        Assert.Equal(single["arr_1"].Values, sharded["arr_1"].Values);
        // The chunks' images in order are the merged file's.
        Assert.Equal(chunks.SelectMany(c => c["images"].Values), sharded["arr_0"].Values);
        // Decoded images, not a constant fill: the tiny VAE gives distinct pixel values.
        Assert.True(sharded["arr_0"].Values.Distinct().Count() > 16);
    }
}
