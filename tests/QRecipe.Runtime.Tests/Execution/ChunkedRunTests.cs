using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>A run's samples made in pieces (first sample, count) give the same bits as one run of all of them, for
/// recipes whose arithmetic couples the samples of a batch: dynamic per-tensor scales, SC mixed-precision ranking and
/// the SC noise surrogate.</summary>
public sealed class ChunkedRunTests
{
    private const int Samples = 7;
    private const int Chunk = 3;

    private static RecipePlan Plan(string body, string sampler = "ddpm steps 3 cfg 1.5")
    {
        var text = $"recipe T\nmodel custom {{ depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler {sampler}\n{body}\n";
        var compilation = RecipeCompiler.Compile(text);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    public static TheoryData<string> Recipes => new()
    {
        "weights fp\nactivations fp on all",
        "weights int4 per-channel\nactivations int8 per-tensor dynamic on all",
        "weights int4 per-channel\nactivations int8 per-token dynamic on all",
        "activations int8 per-token dynamic on all\nsc precision 8 {\n  all stream 64\n  mp qkv, fc1 levels 64 32 fractions 0.5 0.5\n  mp qk levels 64 16 fractions 0.5 0.5\n}",
        "activations int8 per-tensor dynamic on all\nsc precision 8 noise {\n  all stream 64\n}",
    };

    private static RunResult Run(RecipePlan plan, int first, int count, int chunk = Chunk, List<SampleChunk>? chunks = null) =>
        RecipeRunner.Run(plan, new RunSettings(count, null, Seed: 5, Checkpoint: null, SyntheticWeightSeed: 11, CompareFloat: false,
            FirstSample: first, ChunkSize: chunk), ComputeDevices.Cpu,
            chunkDone: chunks is null ? null : chunks.Add);

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Pieces_of_whole_chunks_give_the_bits_of_one_run(string body)
    {
        var plan = Plan(body);
        var whole = Run(plan, 0, Samples);
        // Chunks 0..1 in one piece, chunk 2 (one sample) in another: as shards own them.
        var head = Run(plan, 0, 2 * Chunk);
        var tail = Run(plan, 2 * Chunk, Samples - 2 * Chunk);
        Assert.Equal(whole.Labels, head.Labels.Concat(tail.Labels));
        Assert.Equal(Bits(whole.Latents), Bits(head.Latents).Concat(Bits(tail.Latents)));
    }

    [Fact]
    public void Each_chunk_is_reported_once_with_its_samples()
    {
        var chunks = new List<SampleChunk>();
        var whole = Run(Plan("weights int8 per-channel"), 0, Samples, chunks: chunks);
        Assert.Equal(new[] { 0, 1, 2 }, chunks.Select(c => c.Index));
        Assert.Equal(new[] { 0, 3, 6 }, chunks.Select(c => c.FirstSample));
        Assert.Equal(whole.Labels, chunks.SelectMany(c => c.Labels));
        Assert.Equal(whole.Latents, chunks.SelectMany(c => c.Latents));
    }

    [Fact]
    public void Per_tensor_scales_span_a_chunk_so_the_chunk_size_matters()
    {
        // The coupling chunks contain: with one per-tensor scale over the batch, sample 0 changes with its batch mates.
        var plan = Plan("weights int4 per-channel\nactivations int8 per-tensor dynamic on all");
        var alone = Run(plan, 0, 1, chunk: 1).Latents;
        var inChunk = Run(plan, 0, Samples, chunk: Samples).Latents[..alone.Length];
        Assert.NotEqual(Bits(alone), Bits(inChunk));
    }

    [Fact]
    public void Float_rows_do_not_depend_on_how_many_samples_share_a_forward()
    {
        // The CPU GEMM splits only M and N across threads and blocks K the same for every M, so a float recipe gives every
        // sample the same bits whatever the chunk size.
        var plan = Plan("weights fp\nactivations fp on all");
        Assert.Equal(Bits(Run(plan, 0, Samples, chunk: 1).Latents), Bits(Run(plan, 0, Samples, chunk: Samples).Latents));
    }

    [Fact]
    public void A_first_sample_inside_a_chunk_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Run(Plan("weights fp"), 1, 2));
        Assert.Contains("starts a chunk of 3", error.Message);
    }

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();
}
