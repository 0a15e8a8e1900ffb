using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>scmp's hand-derivable test vectors TV-07 … TV-20 (docs/sc-engine.md).</summary>
public class ScVectorTests
{
    private static readonly ScOptions P3 = new() { Precision = 3 };

    private static float[] Sc(float[] a, int n, float[] b, int m, ScOptions options) =>
        ScMatmul.Multiply(a, n, b, m, a.Length / n, options);

    [Theory]
    [InlineData(8, false, 256, new[] { 0, 1, 2, 3, 31, 32, 63, 64, 95, 126, 127 }, new[] { 0, 2, 4, 6, 62, 65, 127, 129, 191, 254, 256 })]
    [InlineData(8, false, 128, new[] { 0, 1, 31, 32, 63, 64, 95, 126, 127 }, new[] { 0, 1, 31, 32, 63, 65, 96, 127, 128 })]
    [InlineData(8, true, 256, new[] { 0, 1, 127, 128, 254, 255 }, new[] { 0, 1, 127, 129, 255, 256 })]
    [InlineData(3, false, 8, new[] { 0, 1, 2, 3 }, new[] { 0, 3, 5, 8 })]
    [InlineData(3, false, 4, new[] { 0, 1, 2, 3 }, new[] { 0, 1, 3, 4 })]
    [InlineData(3, true, 8, new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, new[] { 0, 1, 2, 3, 5, 6, 7, 8 })]
    public void Boundaries_TV07(int p, bool unipolar, int grid, int[] values, int[] expected)
    {
        var qmax = unipolar ? (1 << p) - 1 : (1 << (p - 1)) - 1;
        Assert.Equal(expected, values.Select(v => (int)ScCodes.ToBoundary(v, grid, qmax)));
        // The exact integer formula equals round-half-even of the fp64 ratio for every legal input.
        for (var v = 0; v <= qmax; v++)
            Assert.Equal(Math.Round((double)v * grid / qmax), ScCodes.ToBoundary(v, grid, qmax));
    }

    [Fact]
    public void Single_product_TV08() => Assert.Equal([9f], Sc([3], 1, [3], 1, P3));

    [Fact]
    public void Dot_product_TV09() => Assert.Equal([11.25f], Sc([3, 1], 1, [3, 2], 1, P3));

    [Fact]
    public void Signs_TV10() => Assert.Equal([-11.25f], Sc([3, -1], 1, [-3, 2], 1, P3));

    [Fact]
    public void Small_product_rounds_up_TV11() => Assert.Equal([10.125f], Sc([3, 1], 1, [3, 1], 1, P3));

    [Theory]
    [InlineData(ScScramble.Bitrev, 13.5f)]
    [InlineData(ScScramble.Off, 13.5f)]
    [InlineData(ScScramble.Counter, 11.25f)]
    public void Early_termination_TV12(ScScramble scramble, float expected) =>
        Assert.Equal([expected], Sc([3, 1], 1, [3, 2], 1, P3 with { Stream = 4, Scramble = scramble }));

    [Theory]
    [InlineData(ScScramble.Bitrev)]
    [InlineData(ScScramble.Off)]
    public void Grid_rescale_TV13(ScScramble scramble) =>
        Assert.Equal([11.25f], Sc([3, 1], 1, [3, 2], 1, P3 with { Grid = 4, Scramble = scramble }));

    [Fact]
    public void Non_unit_scales_TV14() => Assert.Equal([11.25f], Sc([6, 2], 1, [1.5f, 1], 1, P3));

    [Fact]
    public void Row_groups_TV15()
    {
        float[] a = [3, 1, 1.5f, -0.5f, 0.3f, 0.1f];
        Assert.Equal([11.25f, 5.625f, 1.125f], Sc(a, 3, [3, 2], 1, P3 with { GroupA = 2 }));
        var perRow = Sc(a, 3, [3, 2], 1, P3);
        Assert.Equal(11.25f, perRow[0]);
        Assert.Equal(3.375f, perRow[1]);
        Assert.Equal(1.125, perRow[2], 1e-6); // scale 0.1f·(1/qmax) carries fp32 rounding
    }

    [Fact]
    public void Per_tensor_with_zero_TV16() =>
        Assert.Equal([11.25f, -4.5f], Sc([3, 1, 0, -2], 2, [3, 2], 1, P3 with { Granularity = ScGranularity.PerTensor }));

    [Fact]
    public void Per_head_TV17()
    {
        var output = ScMatmul.MultiplyBatched([3, 1, 6, 2], [3, 2, 1.5f, 1], 2, 1, 1, 2, P3 with { Granularity = ScGranularity.PerHead });
        Assert.Equal([11.25f, 11.25f], output);
    }

    [Theory]
    [InlineData(null, ScScramble.Bitrev)]
    [InlineData(4, ScScramble.Bitrev)]
    [InlineData(4, ScScramble.Counter)]
    public void Chunk_TV18(int? stream, ScScramble scramble)
    {
        var options = P3 with { Chunk = 2, Stream = stream, Scramble = scramble };
        Assert.Equal([2.25f], Sc([3, 1, -3, 2], 1, [3, 2, 1, -3], 1, options));
        if (stream is null)
        {
            var partials = ScMatmul.Partials([3, 1, -3, 2], [3, 2, 1, -3], 1, 1, 1, 4, options, default, threeD: false);
            Assert.Equal([10, -8], partials.Select(p => p.Acc[0]));
        }
    }

    [Fact]
    public void Unipolar_zero_point_TV19()
    {
        var options = P3 with { Mode = ScMode.Unipolar, GroupA = 2, GroupB = 2 };
        float[] a = [-3, 4, 1, 2];
        float[] b = [4, -3, 0, 1];
        var partial = ScMatmul.Partials(a, b, 1, 2, 2, 2, options, default, threeD: false).Single();
        Assert.Equal([0, 7, 4, 5], partial.A.Value.Select(v => (int)v));
        Assert.Equal([0, 8, 5, 6], partial.A.Boundary.Select(v => (int)v));
        Assert.Equal([7L, 9L], partial.A.RowSum!);
        Assert.Equal([8, 0, 3, 5], partial.B.Boundary.Select(v => (int)v));
        Assert.Equal([7L, 7L], partial.B.RowSum!);
        Assert.Equal([3f, 3f], partial.A.ZeroPoint!);
        Assert.Equal([0, 5, 5, 6], partial.Acc[..4]); // a pooled accumulator may be longer than n·m
        Assert.Equal([-24f, 6.625f, 0.625f, 6.75f], ScMatmul.Multiply(a, 2, b, 2, 2, options));
        Assert.Equal([-24f, 6.625f, 0.625f, 6.75f], ScMatmul.Multiply(a, 2, b, 2, 2, options with { Granularity = ScGranularity.PerTensor }));
    }

    [Theory]
    [InlineData(null, null, ScScramble.Bitrev, -284)]
    [InlineData(128, null, ScScramble.Bitrev, -142)]
    [InlineData(128, null, ScScramble.Counter, -141)]
    [InlineData(128, null, ScScramble.Off, -142)]
    [InlineData(128, 128, ScScramble.Bitrev, -141)]
    public void Full_precision_TV20(int? stream, int? grid, ScScramble scramble, int acc)
    {
        var options = new ScOptions { Stream = stream, Grid = grid, Scramble = scramble };
        float[] a = [127, -64, 3];
        float[] b = [-127, 32, 100];
        var partial = ScMatmul.Partials(a, b, 1, 1, 1, 3, options, default, threeD: false).Single();
        if (grid is null)
        {
            Assert.Equal([256, 129, 6], partial.A.Boundary.Select(v => (int)v));
            Assert.Equal([256, 65, 202], partial.B.Boundary.Select(v => (int)v));
        }

        Assert.Equal(acc, partial.Acc[0]);
        var factor = (float)(16129.0 / (stream ?? 256));
        Assert.Equal([acc * factor], ScMatmul.Multiply(a, 1, b, 1, 3, options));
    }

    [Fact]
    public void TV20_full_length_value() =>
        Assert.Equal([-17893.109375f], ScMatmul.Multiply([127, -64, 3], 1, [-127, 32, 100], 1, 3, new ScOptions()));

    [Fact]
    public void Smooth_scales_equal_pre_smoothed_operands()
    {
        float[] a = [2, 1, -3, 0.5f, 4, -1];
        float[] b = [1, -2, 0.5f, 3, 0.25f, 1];
        float[] s = [2f, 0.70710678f];
        var smoothed = ScMatmul.Multiply(a, 3, b, 3, 2, new ScOptions(), s);
        var manual = ScMatmul.Multiply(a.Select((v, i) => v / s[i % 2]).ToArray(), 3, b.Select((v, i) => v * s[i % 2]).ToArray(), 3, 2,
            new ScOptions());
        Assert.Equal(manual, smoothed);
    }
}
