using System;
using System.Linq;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Random;

public class SurrogateNormalsTests
{
    /// <summary>The fill (16-lane path with scalar head and tail) gives the reference's bits at every position, for
    /// starts off the four-normal block boundary and lengths that are not multiples of 32.</summary>
    [Theory]
    [InlineData(0L, 1000)]
    [InlineData(1L, 97)]
    [InlineData(3L, 32)]
    [InlineData(4_000_000_002L, 200)]
    public void Fill_equals_the_reference_bit_for_bit(long first, int count)
    {
        var values = new float[count];
        SurrogateNormals.At(0xC0FFEE, 9, first, values);
        for (var k = 0; k < count; k++)
            Assert.Equal(BitConverter.SingleToInt32Bits(SurrogateNormals.One(0xC0FFEE, 9, first + k)), BitConverter.SingleToInt32Bits(values[k]));
    }

    /// <summary>Each normal is the Box–Muller value of its block's 24-bit uniforms, computed here in double with the
    /// platform's log, sqrt, cos and sin: the float polynomials stay within a few float ulps of r.</summary>
    [Fact]
    public void Normals_are_the_box_muller_values_of_their_blocks_uniforms()
    {
        const ulong seed = 17, stream = 3;
        var worst = 0.0;
        for (long i = 0; i < 400_000; i++)
        {
            var block = PhiloxRandom.BlockAt(seed, stream, (ulong)i / 4);
            var (u, v) = (i & 2) == 0 ? (block.X0, block.X1) : (block.X2, block.X3);
            var radius = Math.Sqrt(-2 * Math.Log(1 - (u >> 8) / 16777216.0));
            var angle = 2 * Math.PI * ((v >> 8) / 16777216.0);
            var exact = radius * ((i & 1) == 0 ? Math.Cos(angle) : Math.Sin(angle));
            worst = Math.Max(worst, Math.Abs(SurrogateNormals.One(seed, stream, i) - exact) / Math.Max(radius, 1e-3));
        }

        Assert.InRange(worst, 0, 4 * Math.Pow(2, -24));
    }

    /// <summary>One million normals: moments of N(0, 1) within about five standard errors, the largest |z| inside the
    /// 24-bit bound sqrt(48 ln 2), the empirical CDF within the Kolmogorov–Smirnov 1% bound, neighbours uncorrelated.</summary>
    [Fact]
    public void Million_normals_have_standard_normal_statistics()
    {
        const int count = 1 << 20;
        var z = new float[count];
        SurrogateNormals.At(2026, 0, 0, z);
        double mean = z.Average(v => (double)v), variance = z.Average(v => (double)v * v);
        var fourth = z.Average(v => Math.Pow(v, 4));
        var neighbours = Enumerable.Range(0, count - 1).Average(i => (double)z[i] * z[i + 1]);
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(variance, 1 - 0.007, 1 + 0.007);
        Assert.InRange(fourth, 3 - 0.05, 3 + 0.05);
        Assert.InRange(neighbours, -0.005, 0.005);
        Assert.InRange(z.Max(v => Math.Abs(v)), 4.5, Math.Sqrt(48 * Math.Log(2)));

        var sorted = z.Select(v => (double)v).Order().ToArray();
        var distance = 0.0;
        for (var k = 0; k < count; k += 97)
            distance = Math.Max(distance, Math.Max(Math.Abs(Phi(sorted[k]) - (double)k / count), Math.Abs(Phi(sorted[k]) - (k + 1.0) / count)));
        Assert.InRange(distance, 0, 1.63 / Math.Sqrt(count));
    }

    [Fact]
    public void Seeds_and_streams_give_different_normals_and_negative_positions_are_refused()
    {
        Assert.NotEqual(SurrogateNormals.One(1, 0, 5), SurrogateNormals.One(2, 0, 5));
        Assert.NotEqual(SurrogateNormals.One(1, 0, 5), SurrogateNormals.One(1, 1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SurrogateNormals.At(1, 0, -1, new float[4]));
    }

    /// <summary>The standard normal CDF: ½ + sign(x)·(1/√(2π))∫₀^|x| exp(−t²/2) dt by Simpson's rule (2000 panels, error
    /// below 1e-10 for |x| ≤ 6).</summary>
    private static double Phi(double x)
    {
        var a = Math.Abs(x);
        const int panels = 2000;
        var h = a / panels;
        var sum = 1 + Math.Exp(-a * a / 2);
        for (var k = 1; k < panels; k++)
            sum += (k % 2 == 1 ? 4 : 2) * Math.Exp(-(k * h) * (k * h) / 2);
        var half = sum * h / 3 / Math.Sqrt(2 * Math.PI);
        return x >= 0 ? 0.5 + half : 0.5 - half;
    }
}
