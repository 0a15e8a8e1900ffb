using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Tests.Sc;

public class SobolAndScrambleTests
{
    private static ScGeometry Geometry(int p, int? stream = null, int? grid = null, ScScramble scramble = ScScramble.Bitrev) =>
        new ScOptions { Precision = p, Stream = stream, Grid = grid, Scramble = scramble }.Resolve();

    [Fact]
    public void Sobol_TV01()
    {
        int[] p3 = [0, 4, 6, 2, 3, 7, 5, 1];
        Assert.Equal(p3, SobolSequence.Generate(3, ScOperand.A));
        Assert.Equal(p3, SobolSequence.Generate(3, ScOperand.B));

        var q5 = SobolSequence.Generate(5, ScOperand.A);
        var k5 = SobolSequence.Generate(5, ScOperand.B);
        Assert.Equal([0, 16, 24, 8, 12, 28, 20, 4, 6, 22, 30, 14, 10, 26, 18, 2, 3, 19, 27, 11], q5[..20]);
        Assert.Equal(q5[..16], k5[..16]);
        Assert.Equal([11, 27, 19, 3, 7, 23, 31, 15, 13, 29, 21, 5, 1, 17, 25, 9], k5[16..]);

        Assert.Equal([128, 64, 32, 16, 8, 4, 2, 1], SobolSequence.DirectionNumbers(8, ScOperand.A));
        Assert.Equal([128, 64, 32, 16, 72, 4, 82, 255], SobolSequence.DirectionNumbers(8, ScOperand.B));
        var q8 = SobolSequence.Generate(8, ScOperand.A);
        var k8 = SobolSequence.Generate(8, ScOperand.B);
        int[] first16 = [0, 128, 192, 64, 96, 224, 160, 32, 48, 176, 240, 112, 80, 208, 144, 16];
        Assert.Equal(first16, q8[..16]);
        Assert.Equal(first16, k8[..16]);
        Assert.Equal([24, 152, 216, 88, 120, 248, 184, 56], q8[16..24]);
        Assert.Equal([88, 216, 152, 24, 56, 184, 248, 120, 104, 232, 168, 40, 8, 136, 200, 72], k8[16..32]);
        Assert.Equal([3, 131, 195, 67, 99, 227, 163, 35], q8[128..136]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(11)]
    public void Sobol_sequences_are_permutations_and_stratified(int p)
    {
        foreach (var operand in new[] { ScOperand.A, ScOperand.B })
        {
            var values = SobolSequence.Generate(p, operand);
            Assert.Equal(Enumerable.Range(0, 1 << p), values.Order());
            // (0,1)-sequence: every aligned block of 2^m values has one point per cell of width 2^(p-m).
            for (var m = 0; m <= p; m++)
            {
                for (var start = 0; start < values.Length; start += 1 << m)
                {
                    var cells = values.Skip(start).Take(1 << m).Select(v => v >> (p - m)).Distinct().Count();
                    Assert.Equal(1 << m, cells);
                }
            }
        }
    }

    /// <summary>Sobol's second dimension (polynomial x + 1; Joe and Kuo's m = 1, 3, 5, 15, 17, 51, 85, 255) paired with
    /// the q sequence: every prefix of 2^k points has exactly one point in each elementary box of 2^j × 2^(k−j) cells,
    /// the property that makes the legacy kernels' two comparator bits jointly uniform.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(11)]
    public void Second_dimension_with_the_q_sequence_is_a_net_on_every_power_of_two_prefix(int p)
    {
        int[] m = [1, 3, 5, 15, 17, 51, 85, 255, 257, 771, 1285];
        Assert.Equal(m.Take(p).Select((v, i) => v << (p - 1 - i)), SobolSequence.SecondDimensionDirections(p));
        var q = SobolSequence.Generate(p, ScOperand.A);
        var s = SobolSequence.SecondDimension(p);
        for (var k = 0; k <= p; k++)
        {
            for (var j = 0; j <= k; j++)
            {
                var boxes = Enumerable.Range(0, 1 << k).Select(t => (q[t] >> (p - j), s[t] >> (p - (k - j)))).Distinct().Count();
                Assert.Equal(1 << k, boxes);
            }
        }
    }

    /// <summary>The legacy kernels' sequences: a from the q sequence, b from the second dimension, each shifted by its
    /// own mask at every length, full length included (bitrev: a bit-reversed, b counter; counter: the other way round;
    /// random: Philox streams 0 and 1).</summary>
    [Theory]
    [InlineData(ScScramble.Bitrev, 256)]
    [InlineData(ScScramble.Counter, 100)]
    [InlineData(ScScramble.Random, 64)]
    [InlineData(ScScramble.Off, 256)]
    public void Legacy_sequences_shift_a_and_b_by_their_own_masks(ScScramble scramble, int stream)
    {
        const int Dims = 40;
        var g = new ScOptions { Stream = stream, Scramble = scramble, ScrambleSeed = 9, Kernel = ScKernel.Xnor }.Resolve();
        var prepared = ScSequences.Prepare(g, Dims);
        var q = SobolSequence.Generate(8, ScOperand.A);
        var s = SobolSequence.SecondDimension(8);
        int[] maskA = new int[Dims], maskB = new int[Dims];
        for (var d = 0; d < Dims; d++)
        {
            (maskA[d], maskB[d]) = scramble switch
            {
                ScScramble.Bitrev => (ScrambleMasks.BitReverse(d, 8), d),
                ScScramble.Counter => (d, ScrambleMasks.BitReverse(d, 8)),
                ScScramble.Random => ((int)(Word(9, 0, d) & 255), (int)(Word(9, 1, d) & 255)),
                _ => (0, 0),
            };
            for (var t = 0; t < stream; t++)
            {
                Assert.Equal(q[t] ^ maskA[d], prepared.A[d * stream + t]);
                Assert.Equal(s[t] ^ maskB[d], prepared.B[d * stream + t]);
            }
        }

        Assert.Equal(maskA, prepared.Masks);
        if (scramble != ScScramble.Off)
            Assert.Contains(Enumerable.Range(0, Dims), d => maskA[d] != maskB[d]);
    }

    /// <summary>Word <paramref name="index"/> of Philox4x32-10 stream <paramref name="stream"/> under key = seed.</summary>
    private static uint Word(ulong seed, ulong stream, int index)
    {
        var block = QRecipe.Runtime.Randomness.PhiloxRandom.BlockAt(seed, stream, (ulong)index / 4);
        return (index % 4) switch { 0 => block.X0, 1 => block.X1, 2 => block.X2, _ => block.X3 };
    }

    [Fact]
    public void Masks_TV04()
    {
        Assert.Equal([0, 128, 64, 192, 32, 160, 96, 224], ScrambleMasks.For(ScScramble.Bitrev, 8, 8, 0));
        var masks = ScrambleMasks.For(ScScramble.Bitrev, 8, 129, 0);
        Assert.Equal(254, masks[127]);
        Assert.Equal(1, masks[128]);
        Assert.Equal([0, 4, 2, 6, 1, 5, 3, 7], ScrambleMasks.For(ScScramble.Bitrev, 3, 8, 0));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 0, 1], ScrambleMasks.For(ScScramble.Counter, 3, 10, 0));
        Assert.All(ScrambleMasks.For(ScScramble.Off, 8, 10, 0), mask => Assert.Equal(0, mask));
    }

    [Fact]
    public void Random_masks_are_seeded_uniform_and_in_range()
    {
        var first = ScrambleMasks.For(ScScramble.Random, 8, 4096, 0x5A5A5A5A);
        Assert.Equal(first, ScrambleMasks.For(ScScramble.Random, 8, 4096, 0x5A5A5A5A));
        Assert.NotEqual(first, ScrambleMasks.For(ScScramble.Random, 8, 4096, 1));
        Assert.All(first, mask => Assert.InRange(mask, 0, 255));
        // 4096 draws over 256 values: mean 127.5, standard error 73.9/64 ≈ 1.15; 5 standard errors.
        Assert.InRange(first.Average(), 127.5 - 5.8, 127.5 + 5.8);
    }

    [Fact]
    public void Prefix_scramble_TV05()
    {
        var bitrev = ScSequences.Prepare(Geometry(3, stream: 4), 2);
        Assert.Equal([0, 4, 6, 2, 4, 0, 2, 6], bitrev.A);
        Assert.Equal(bitrev.A, bitrev.B);
        var counter = ScSequences.Prepare(Geometry(3, stream: 4, scramble: ScScramble.Counter), 2);
        Assert.Equal([0, 4, 6, 2, 1, 5, 7, 3], counter.A);
    }

    [Fact]
    public void Full_length_is_never_scrambled_on_the_full_grid()
    {
        var prepared = ScSequences.Prepare(Geometry(8), 200);
        var q = SobolSequence.Generate(8, ScOperand.A).Select(v => (ushort)v).ToArray();
        Assert.Equal(q, prepared.A.AsSpan(199 * 256, 256).ToArray());
    }

    [Fact]
    public void Rescale_TV06()
    {
        var bitrev = ScSequences.Prepare(Geometry(3, grid: 4), 2);
        Assert.Equal([0, 2, 3, 1, 1, 3, 2, 0, 2, 0, 1, 3, 3, 1, 0, 2], bitrev.A);
        var off = ScSequences.Prepare(Geometry(3, grid: 4, scramble: ScScramble.Off), 2);
        Assert.Equal([0, 2, 3, 1, 1, 3, 2, 0, 0, 2, 3, 1, 1, 3, 2, 0], off.A);

        var halve = ScSequences.Prepare(new ScOptions { Precision = 8, Halve = true }.Resolve(), 2);
        Assert.Equal(128, halve.Length);
        Assert.Equal([64, 0, 32, 96, 112, 48, 16, 80], halve.A.AsSpan(128, 8).ToArray());

        var tables = new EnableTables(ScSequences.Prepare(Geometry(8, grid: 128), 2), 128);
        Assert.Equal(2, tables.K[129 + 1]);
        Assert.Equal(128, tables.K[129 + 64]);
        Assert.Equal(256, tables.K[129 + 128]);
    }

    [Fact]
    public void Non_power_of_two_stream_TV21()
    {
        var tables = new EnableTables(ScSequences.Prepare(Geometry(8, stream: 181), 2), 256);
        int[] boundaries = [2, 64, 128, 129, 256];
        Assert.Equal([1, 45, 91, 92, 181], boundaries.Select(v => (int)tables.K[v]));
        Assert.Equal([1, 45, 90, 91, 181], boundaries.Select(v => (int)tables.K[257 + v]));
    }

    [Theory]
    [InlineData(ScScramble.Bitrev, 7)]
    [InlineData(ScScramble.Counter, 7)]
    [InlineData(ScScramble.Bitrev, 4)]
    [InlineData(ScScramble.Counter, 5)]
    public void Power_of_two_prefix_closed_form(ScScramble scramble, int m)
    {
        // With the XOR shift μ: k_a(ba) = max(0, ceil((ba − (μ mod 2^(p-m))) / 2^(p-m))) for L = 2^m on the full grid.
        var tables = new EnableTables(ScSequences.Prepare(Geometry(8, stream: 1 << m, scramble: scramble), 128), 256);
        var masks = ScrambleMasks.For(scramble, 8, 128, 0);
        var cell = 1 << (8 - m);
        for (var d = 0; d < 128; d++)
        {
            for (var ba = 0; ba <= 256; ba++)
            {
                var expected = System.Math.Max(0, (ba - masks[d] % cell + cell - 1) / cell);
                Assert.Equal(expected, tables.K[d * 257 + ba]);
            }
        }
    }
}
