using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Language;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>Each sample's label, initial noise and step noise come from its own Philox streams (n·2^24, n·2^24 + 1 + step,
/// n·2^24 + 2^24 − 1 under the seed), written out here as numbers, so they depend on nothing but the seed and the index.</summary>
public sealed class SampleStreamsTests
{
    private const int Values = 4 * 8 * 8;

    [Fact]
    public void Sample_n_draws_from_streams_n_times_2_pow_24()
    {
        var noise = new float[3 * Values];
        SampleStreams.InitialNoise(seed: 9, first: 5, count: 3, noise);
        for (var n = 0; n < 3; n++)
        {
            var expected = new float[Values];
            PhiloxRandom.FillNormal(expected, 9, (ulong)(5 + n) * 16777216UL);
            Assert.Equal(expected, noise[(n * Values)..((n + 1) * Values)]);
        }
        var step = new float[2 * Values];
        SampleStreams.StepNoise(9, 40, 2)(7, step);
        var expectedStep = new float[Values];
        PhiloxRandom.FillNormal(expectedStep, 9, 41UL * 16777216UL + 8);
        Assert.Equal(expectedStep, step[Values..]);
        // The label is the first word of the last stream modulo 1000, unless the word is 4294967000 or more (rejected so that
        // every class gets the same number of words).
        var word = PhiloxRandom.BlockAt(9, 6UL * 16777216UL + 16777215UL, 0).X0;
        Assert.Equal(word < 4294967000U ? (int)(word % 1000) : -1, SampleStreams.Labels(9, 6, 1, 1000)[0]);
    }

    [Fact]
    public void Streams_match_the_reference_written_from_the_documentation()
    {
        // Data/sample_streams_reference.py implements docs/cluster.md's derivation in plain Python (its own Philox).
        var path = Path.Combine(AppContext.BaseDirectory, "Execution", "Data", "sample_streams_reference.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var reference in document.RootElement.EnumerateArray())
        {
            var seed = reference.GetProperty("seed").GetUInt64();
            var sample = reference.GetProperty("sample").GetInt32();
            uint[] Expected(string name) => reference.GetProperty(name).EnumerateArray().Select(e => e.GetUInt32()).ToArray();
            var initial = new float[9];
            SampleStreams.InitialNoise(seed, sample, 1, initial);
            Assert.Equal(Expected("initial"), initial.Select(BitConverter.SingleToUInt32Bits));
            var step = new float[9];
            SampleStreams.StepNoise(seed, sample, 1)(reference.GetProperty("step").GetInt32(), step);
            Assert.Equal(Expected("step_noise"), step.Select(BitConverter.SingleToUInt32Bits));
            Assert.Equal(reference.GetProperty("label_10").GetInt32(), SampleStreams.Labels(seed, sample, 1, 10)[0]);
            Assert.Equal(reference.GetProperty("label_1000").GetInt32(), SampleStreams.Labels(seed, sample, 1, 1000)[0]);
        }
    }

    [Fact]
    public void Labels_are_uniform_over_the_classes()
    {
        // 20000 draws of 10 classes: each count is binomial(20000, 0.1), standard deviation 42.4; 5 sigma bounds.
        var counts = new int[10];
        foreach (var label in SampleStreams.Labels(3, 0, 20000, 10))
            counts[label]++;
        Assert.All(counts, c => Assert.InRange(c, 2000 - 212, 2000 + 212));
    }

    [Fact]
    public void A_sample_is_the_same_alone_and_in_a_run()
    {
        // Chunks of one sample: sample 4 of a run of 6 equals a run of just sample 4 (labels, noise and every step).
        var plan = RecipeCompiler.Compile("recipe T\nmodel custom { depth 1 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddpm steps 3 cfg 1.5\n").Plan!;
        RunResult Run(int first, int count) => RecipeRunner.Run(plan,
            new RunSettings(count, null, Seed: 2, Checkpoint: null, SyntheticWeightSeed: 1, CompareFloat: false, FirstSample: first, ChunkSize: 1), ComputeDevices.Cpu);
        var all = Run(0, 6);
        var alone = Run(4, 1);
        Assert.Equal(all.Labels[4], alone.Labels[0]);
        Assert.Equal(all.Latents[(4 * Values)..(5 * Values)], alone.Latents);
    }
}
