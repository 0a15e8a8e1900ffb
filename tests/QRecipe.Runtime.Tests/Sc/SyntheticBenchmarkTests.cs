using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>scmp's CPU-reproducible synthetic benchmark (docs/sc-engine.md): generator checksums, exact reference,
/// bit-exact accumulator anchors (scmp's test vector TV-29) and the MSE / rel_fro table.</summary>
public class SyntheticBenchmarkTests
{
    private const int Rows = 32;
    private const int Dims = 512;
    private static readonly float[] A = Synthetic(1, +1, 5, 0);
    private static readonly float[] B = Synthetic(2, -1, 3, 1);

    /// <summary>The benchmark's generator: SplitMix64, Irwin–Hall sum of four uniforms, scaled, rounded half-even, clamped;
    /// then one ±127 per (row, 128-column chunk).</summary>
    private static float[] Synthetic(ulong seed, int sign, int mul, int add)
    {
        var state = seed;
        ulong Next()
        {
            state += 0x9E3779B97F4A7C15;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        double U01() => (Next() >> 11) * Math.Pow(2, -53);
        var x = new float[Rows * Dims];
        for (var i = 0; i < x.Length; i++)
        {
            var s4 = U01() + U01() + U01() + U01() - 2.0;
            x[i] = (float)Math.Clamp(Math.Round(s4 * Math.Sqrt(3.0) * 40.0), -127, 127);
        }

        for (var r = 0; r < Rows; r++)
        {
            for (var c0 = 0; c0 < Dims; c0 += 128)
                x[r * Dims + c0 + (mul * r + add) % 128] = 127 * sign;
        }

        return x;
    }

    private static double[] Reference()
    {
        var reference = new double[Rows * Rows];
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Rows; j++)
            {
                double sum = 0;
                for (var d = 0; d < Dims; d++)
                    sum += (double)A[i * Dims + d] * B[j * Dims + d];
                reference[i * Rows + j] = sum;
            }
        }

        return reference;
    }

    private static ScOptions Options(int stream, bool halve, ScScramble scramble) =>
        new() { Stream = stream, Grid = halve ? 128 : null, Scramble = scramble, Chunk = 128 };

    [Fact]
    public void Generator_checksums()
    {
        Assert.Equal([127f, 42, 6, -29, 71, -85, -30, 16], A[..8]);
        Assert.Equal([-45f, 14, -34, -56], A[^4..]);
        Assert.Equal(13542, A.Sum(v => (long)v));
        Assert.Equal(28585992, A.Sum(v => (long)v * (long)v));
        Assert.Equal([49f, -127, -17, 5, -59, -49, 56, -15], B[..8]);
        Assert.Equal([-47f, 21, -18, 12], B[^4..]);
        Assert.Equal(-12362, B.Sum(v => (long)v));
        Assert.Equal(27960278, B.Sum(v => (long)v * (long)v));

        var reference = Reference();
        Assert.Equal([-37247.0, -62647, -18532, -12941], reference[..4]);
        Assert.Equal(39490.07, Math.Sqrt(reference.Average(v => v * v)), 0.01);
    }

    [Theory]
    [InlineData(256, false, ScScramble.Off, new[] { -581, -1003, 1023, -167 })]
    [InlineData(256, false, ScScramble.Counter, new[] { -581, -1003, 1023, -167 })]
    [InlineData(256, false, ScScramble.Bitrev, new[] { -581, -1003, 1023, -167 })]
    [InlineData(256, true, ScScramble.Off, new[] { -593, -994, 1012, -165 })]
    [InlineData(256, true, ScScramble.Counter, new[] { -583, -1001, 1018, -161 })]
    [InlineData(256, true, ScScramble.Bitrev, new[] { -585, -997, 1003, -151 })]
    [InlineData(128, false, ScScramble.Off, new[] { -304, -512, 526, -51 })]
    [InlineData(128, false, ScScramble.Counter, new[] { -271, -491, 515, -102 })]
    [InlineData(128, false, ScScramble.Bitrev, new[] { -284, -516, 536, -71 })]
    [InlineData(128, true, ScScramble.Off, new[] { -312, -503, 517, -62 })]
    [InlineData(128, true, ScScramble.Counter, new[] { -293, -492, 508, -95 })]
    [InlineData(128, true, ScScramble.Bitrev, new[] { -278, -513, 512, -67 })]
    [InlineData(64, false, ScScramble.Off, new[] { -159, -269, 266, -32 })]
    [InlineData(64, false, ScScramble.Counter, new[] { -136, -255, 254, -49 })]
    [InlineData(64, false, ScScramble.Bitrev, new[] { -156, -233, 262, -39 })]
    [InlineData(32, false, ScScramble.Off, new[] { -78, -148, 138, -2 })]
    [InlineData(32, false, ScScramble.Counter, new[] { -61, -137, 137, -18 })]
    [InlineData(32, false, ScScramble.Bitrev, new[] { -56, -137, 141, -28 })]
    [InlineData(16, false, ScScramble.Off, new[] { -48, -87, 63, 8 })]
    [InlineData(16, false, ScScramble.Counter, new[] { -32, -50, 86, -10 })]
    [InlineData(16, false, ScScramble.Bitrev, new[] { -33, -73, 60, 1 })]
    public void Accumulator_anchors_TV29(int stream, bool halve, ScScramble scramble, int[] anchors)
    {
        var options = Options(stream, halve, scramble);
        var partials = ScMatmul.Partials(A, B, 1, Rows, Rows, Dims, options, default, threeD: false);
        Assert.Equal(4, partials.Count);
        Assert.All(partials, p => Assert.All(p.A.Scale.Concat(p.B.Scale), s => Assert.Equal(1.0, s)));
        int Acc(int n, int m) => partials.Sum(p => p.Acc[n * Rows + m]);
        Assert.Equal(anchors, new[] { Acc(0, 0), Acc(0, 1), Acc(1, 0), Acc(1, 1) });
        var output = ScMatmul.Multiply(A, Rows, B, Rows, Dims, options);
        // All scales are 1, so each chunk adds fp32(acc_c · fp32(16129/L)); integers times 16129/L are exact here.
        Assert.Equal(anchors[0] * (16129.0 / stream), output[0], 1e-6 * Math.Abs(output[0]));
    }

    [Theory]
    [InlineData(256, 7.7045e5, 0.0222, 7.7045e5, 0.0222, 7.7045e5, 0.0222, 6.1385e5, 0.0198, 6.6536e5, 0.0207, 6.7689e5, 0.0208)]
    [InlineData(192, 1.2855e6, 0.0287, 1.4127e6, 0.0301, 1.4234e6, 0.0302, 1.1799e6, 0.0275, 1.3475e6, 0.0294, 1.3552e6, 0.0295)]
    [InlineData(128, 3.2389e6, 0.0456, 3.2335e6, 0.0455, 2.8378e6, 0.0427, 2.4610e6, 0.0397, 2.9884e6, 0.0438, 2.6161e6, 0.0410)]
    [InlineData(96, 5.5909e6, 0.0599, 5.0430e6, 0.0569, 4.9883e6, 0.0566, 4.4921e6, 0.0537, 4.5878e6, 0.0542, 4.6595e6, 0.0547)]
    [InlineData(64, 1.4256e7, 0.0956, 1.0821e7, 0.0833, 1.0263e7, 0.0811, 1.2072e7, 0.0880, 1.0265e7, 0.0811, 1.0178e7, 0.0808)]
    [InlineData(48, 2.3449e7, 0.1226, 1.7367e7, 0.1055, 1.6797e7, 0.1038, 2.0528e7, 0.1147, 1.7415e7, 0.1057, 1.6225e7, 0.1020)]
    [InlineData(32, 6.2362e7, 0.2000, 3.8763e7, 0.1577, 3.5601e7, 0.1511, 5.5968e7, 0.1894, 3.7236e7, 0.1545, 3.4279e7, 0.1483)]
    [InlineData(16, 2.8162e8, 0.4250, 1.3793e8, 0.2974, 1.2299e8, 0.2808, 2.6571e8, 0.4128, 1.3608e8, 0.2954, 1.2031e8, 0.2778)]
    public void Mse_table(int stream, params double[] cells)
    {
        var reference = Reference();
        var referenceNorm = Math.Sqrt(reference.Sum(v => v * v));
        var column = 0;
        foreach (var halve in new[] { false, true })
        {
            foreach (var scramble in new[] { ScScramble.Off, ScScramble.Counter, ScScramble.Bitrev })
            {
                var output = ScMatmul.Multiply(A, Rows, B, Rows, Dims, Options(stream, halve, scramble));
                var squared = output.Select((v, i) => (v - reference[i]) * (v - reference[i])).Sum();
                var mse = squared / output.Length;
                var relFro = Math.Sqrt(squared) / referenceNorm;
                // The table gives 5 significant digits of MSE and 4 decimals of rel_fro.
                Assert.Equal(cells[column], mse, 0.5e-4 * cells[column]);
                Assert.Equal(cells[column + 1], relFro, 0.5e-4);
                column += 2;
            }
        }
    }
}
