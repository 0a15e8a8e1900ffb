using System;
using System.Threading.Tasks;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// The random numbers of one sample, derived from (seed, sample index) alone so that a sample comes out the same in a
/// run of any size, in any chunk and in any shard (docs/cluster.md states the derivation for reproduction). Sample n
/// owns the Philox streams n·2^24 .. n·2^24 + 2^24 − 1 under the key <c>seed</c>:
/// <list type="bullet">
/// <item>stream n·2^24: its initial noise x_T, value i (channel-major, C × H × W) = normal i of the stream;</item>
/// <item>stream n·2^24 + 1 + j: its noise of step j (0 = the first, noisiest step), value i = normal i;</item>
/// <item>stream n·2^24 + 2^24 − 1: its class label, the first uniform integer below the class count the stream gives
/// (rejection on whole 32-bit words, no modulo bias).</item>
/// </list>
/// Sample indices below 2^31 keep every stream below 2^55, clear of the SC surrogate's streams (2^63 and up).
/// </summary>
public static class SampleStreams
{
    /// <summary>Streams reserved per sample: 2^24, so steps may number up to 2^24 − 2.</summary>
    public const ulong PerSample = 1UL << 24;

    /// <summary>The stream of sample <paramref name="sample"/>'s class label (the last of its streams).</summary>
    public static ulong LabelStream(int sample) => Stream(sample, PerSample - 1);

    /// <summary>The stream of sample <paramref name="sample"/>'s initial noise.</summary>
    public static ulong InitialStream(int sample) => Stream(sample, 0);

    /// <summary>The stream of sample <paramref name="sample"/>'s noise at step <paramref name="step"/>.</summary>
    public static ulong StepStream(int sample, int step) => Stream(sample, 1 + (ulong)step);

    /// <summary>Class labels of samples <paramref name="first"/> .. first + count − 1.</summary>
    public static int[] Labels(ulong seed, int first, int count, int classes)
    {
        var labels = new int[count];
        for (var i = 0; i < count; i++)
            labels[i] = (int)new PhiloxRandom(seed, LabelStream(first + i)).NextBelow((uint)classes);
        return labels;
    }

    /// <summary>Initial noise of samples <paramref name="first"/> .. into <paramref name="destination"/>, split into
    /// equal per-sample parts.</summary>
    public static void InitialNoise(ulong seed, int first, int count, Span<float> destination) =>
        Fill(destination, count, seed, sample => InitialStream(first + sample));

    /// <summary>Per-step noise of samples <paramref name="first"/> .. first + count − 1, for the sampler.</summary>
    public static NoiseSource StepNoise(ulong seed, int first, int count) =>
        (step, destination) => Fill(destination, count, seed, sample => StepStream(first + sample, step));

    /// <summary>The key the SC noise surrogate uses in chunk <paramref name="chunk"/>: the seed plus the chunk index
    /// times 0x9E3779B97F4A7C15 (mod 2^64), so chunk 0 keeps the run's seed and chunks draw different noise.</summary>
    public static ulong ChunkSeed(ulong seed, int chunk) => seed + 0x9E3779B97F4A7C15UL * (ulong)chunk;

    private static ulong Stream(int sample, ulong slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        return (ulong)sample * PerSample + slot;
    }

    private static void Fill(Span<float> destination, int count, ulong seed, Func<int, ulong> stream)
    {
        var values = destination.Length / count;
        if (values * count != destination.Length)
            throw new ArgumentException($"{destination.Length} values do not split into {count} samples");
        unsafe
        {
            fixed (float* start = destination)
            {
                var pointer = (nint)start;
                Parallel.For(0, count, sample => PhiloxRandom.NormalsAt(seed, stream(sample), 0, new Span<float>((float*)pointer + (long)sample * values, values)));
            }
        }
    }
}
