using System;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Random;

public class PhiloxTests
{
    // Known-answer vectors of Random123 (kat_vectors, "philox4x32 10"): counter, key -> output.
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
        0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
        0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void KnownAnswerVectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        var output = Philox4x32.Block(new Block128(c0, c1, c2, c3), k0, k1);
        Assert.Equal(new Block128(e0, e1, e2, e3), output);
    }

    [Fact]
    public void Sequential_words_follow_the_counter_layout()
    {
        const ulong seed = 0x0123456789ABCDEF;
        var rng = new PhiloxRandom(seed, stream: 7);
        for (ulong block = 0; block < 3; block++)
        {
            var expected = Philox4x32.Block(new Block128((uint)block, 0, 7, 0), 0x89ABCDEF, 0x01234567);
            Assert.Equal(expected.X0, rng.NextUInt32());
            Assert.Equal(expected.X1, rng.NextUInt32());
            Assert.Equal(expected.X2, rng.NextUInt32());
            Assert.Equal(expected.X3, rng.NextUInt32());
        }
    }

    [Fact]
    public void Streams_and_seeds_differ()
    {
        Assert.NotEqual(PhiloxRandom.BlockAt(1, 0, 0), PhiloxRandom.BlockAt(1, 1, 0));
        Assert.NotEqual(PhiloxRandom.BlockAt(1, 0, 0), PhiloxRandom.BlockAt(2, 0, 0));
        Assert.NotEqual(PhiloxRandom.BlockAt(1, 0, 0), PhiloxRandom.BlockAt(1, 0, 1));
    }

    [Fact]
    public void Fill_normal_equals_sequential_normals_and_is_deterministic()
    {
        var filled = new float[70001];
        PhiloxRandom.FillNormal(filled, seed: 42, stream: 3);
        var again = new float[filled.Length];
        PhiloxRandom.FillNormal(again, seed: 42, stream: 3);
        Assert.Equal(filled, again);

        var rng = new PhiloxRandom(42, 3);
        for (var i = 0; i < filled.Length; i++)
            Assert.Equal((float)rng.NextNormal(), filled[i]);
    }

    /// <summary>The AVX-512 path (where present) against the scalar Box–Muller, bit for bit, over 2^22 normals of
    /// several streams, with a mean and std that make the float rounding of mean + std·z matter.</summary>
    [Theory]
    [InlineData(1UL, 0UL, 0f, 1f)]
    [InlineData(0xDEADBEEFCAFEUL, (1UL << 63) | 12345, 0f, 1f)]
    [InlineData(3UL, 5UL, 0.25f, 3f)]
    public void Fill_normal_matches_the_scalar_box_muller_exactly(ulong seed, ulong stream, float mean, float std)
    {
        var filled = new float[1 << 22];
        PhiloxRandom.FillNormal(filled, seed, stream, mean, std);
        var rng = new PhiloxRandom(seed, stream);
        for (var i = 0; i < filled.Length; i++)
        {
            var expected = (float)(mean + std * rng.NextNormal());
            if (expected != filled[i] || BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(filled[i]))
                Assert.Fail($"normal {i}: scalar {expected:R}, filled {filled[i]:R}");
        }
    }

    [Theory]
    [InlineData(0L, 4096)]
    [InlineData(12345L, 1001)]
    [InlineData(3L, 1)]
    public void Normals_at_are_the_same_elements_of_the_fill(long first, int count)
    {
        var filled = new float[first + count];
        PhiloxRandom.FillNormal(filled, seed: 77, stream: 9, mean: 0.5f, std: 2f);
        var piece = new float[count];
        PhiloxRandom.NormalsAt(77, 9, first, piece, 0.5f, 2f);
        Assert.Equal(filled.AsSpan((int)first).ToArray(), piece);
    }

    [Fact]
    public void Normal_moments_match_standard_normal()
    {
        const int n = 1 << 20;
        var values = new float[n];
        PhiloxRandom.FillNormal(values, seed: 2024);
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        foreach (double x in values)
        {
            s1 += x;
            s2 += x * x;
            s3 += x * x * x;
            s4 += x * x * x * x;
        }

        var mean = s1 / n;
        var variance = s2 / n - mean * mean;
        // Standard errors for n = 2^20: mean 1/sqrt(n) ≈ 0.00098, variance sqrt(2/n) ≈ 0.0014,
        // skewness sqrt(6/n) ≈ 0.0024, kurtosis sqrt(24/n) ≈ 0.0048; bounds are 5 standard errors.
        Assert.InRange(mean, -0.0049, 0.0049);
        Assert.InRange(variance, 1 - 0.007, 1 + 0.007);
        Assert.InRange(s3 / n, -0.012, 0.012);
        Assert.InRange(s4 / n, 3 - 0.024 * 3, 3 + 0.024 * 3);
    }

    [Fact]
    public void Uniforms_are_in_range_with_uniform_moments()
    {
        var rng = new PhiloxRandom(9);
        const int n = 200_000;
        double sumF = 0, sumD = 0;
        for (var i = 0; i < n; i++)
        {
            var f = rng.NextFloat();
            var d = rng.NextDouble();
            Assert.InRange(f, 0f, 1f - 1e-8f);
            Assert.InRange(d, 0.0, 1.0 - 1e-17);
            sumF += f;
            sumD += d;
        }

        // Mean of U(0,1) has standard error sqrt(1/12/n) ≈ 0.00065; 5 standard errors.
        Assert.InRange(sumF / n, 0.5 - 0.0033, 0.5 + 0.0033);
        Assert.InRange(sumD / n, 0.5 - 0.0033, 0.5 + 0.0033);
    }

    [Fact]
    public void Next_below_is_unbiased_and_rejects_zero()
    {
        var rng = new PhiloxRandom(5);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
            counts[rng.NextBelow(7)]++;
        foreach (var count in counts)
            Assert.InRange(count, 10_000 - 500, 10_000 + 500);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextBelow(0));
    }
}
