using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Oracle;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>The fast kernels (every path) against the cycle-by-cycle simulator: integer accumulators equal bit for bit.</summary>
public class OracleEquivalenceTests
{
    public static IEnumerable<object?[]> EnableCases()
    {
        foreach (var p in new[] { 3, 4, 5, 8 })
        {
            var full = 1 << p;
            int[] streams = p == 8 ? [256, 181, 128, 96, 64, 17] : [full, full - 1, full / 2, 3];
            foreach (var scramble in new[] { ScScramble.Bitrev, ScScramble.Counter, ScScramble.Off, ScScramble.Random })
            {
                foreach (var stream in streams)
                {
                    yield return [p, stream, null, scramble];
                    yield return [p, stream, full / 2, scramble];
                }
            }

            yield return [p, full, full - 3, ScScramble.Bitrev];
        }
    }

    [Theory]
    [MemberData(nameof(EnableCases))]
    public void Enable_kernel_equals_cycle_by_cycle_simulation(int p, int stream, int? grid, ScScramble scramble)
    {
        var options = new ScOptions { Precision = p, Stream = stream, Grid = grid, Scramble = scramble, ScrambleSeed = 77 };
        foreach (var mode in new[] { ScMode.Bipolar, ScMode.Unipolar })
            AssertEnableMatches(options with { Mode = mode }, n: 5, m: 37, d: 19, seed: (ulong)(p * 1000 + stream));
    }

    [Fact]
    public void Enable_kernel_is_exact_across_sixteen_bit_flush_blocks()
    {
        // L = 256 flushes the 16-bit lanes every 127 dimensions: d = 300 spans three blocks.
        AssertEnableMatches(new ScOptions(), n: 3, m: 33, d: 300, seed: 5);
        AssertEnableMatches(new ScOptions { Stream = 200, Scramble = ScScramble.Counter }, n: 2, m: 40, d: 170, seed: 6);
        // 70 rows: two full 32-lane row blocks of the row-table path and a partial one.
        AssertEnableMatches(new ScOptions { Stream = 96, Mode = ScMode.Unipolar }, n: 70, m: 9, d: 40, seed: 7);
    }

    [Theory]
    [InlineData(ScScramble.Off)]
    [InlineData(ScScramble.Counter)]
    public void EnableKernelIsExactAtPrecisionTenWhereSlicesAreReusedAcrossBlocks(ScScramble scramble)
    {
        // p = 10, L = 1000 (scrambled below full length): slices of 2 MiB, not cached for the process; 70 dimensions
        // are three blocks of up to 32.
        AssertEnableMatches(new ScOptions { Precision = 10, Stream = 1000, Scramble = scramble }, n: 2, m: 33, d: 70, seed: 8);
    }

    [Theory]
    [InlineData(3, 8, ScScramble.Bitrev)]
    [InlineData(4, 16, ScScramble.Off)]
    [InlineData(5, 21, ScScramble.Counter)]
    [InlineData(8, 256, ScScramble.Bitrev)]
    [InlineData(8, 100, ScScramble.Random)]
    public void Legacy_kernels_equal_cycle_by_cycle_simulation(int p, int stream, ScScramble scramble)
    {
        var xnor = new ScOptions { Precision = p, Stream = stream, Scramble = scramble, Kernel = ScKernel.Xnor };
        var and = xnor with { Kernel = ScKernel.And, Mode = ScMode.Unipolar };
        foreach (var options in new[] { xnor, and })
        {
            var (a, b, sequences, _) = Setup(options, 4, 9, 70, 11);
            var expected = NaiveScSimulator.Bitstream(a, b, sequences);
            Assert.Equal(expected, BitstreamKernel.Accumulate(a, b, sequences));
            BitstreamKernel.ForceScalar = true;
            try
            {
                Assert.Equal(expected, BitstreamKernel.Accumulate(a, b, sequences));
            }
            finally
            {
                BitstreamKernel.ForceScalar = false;
            }
        }
    }

    /// <summary>An element of a with sign 0 adds nothing whatever its boundary (the oracle multiplies by the sign): every
    /// path masks it, also for codes no quantizer makes (sign 0 with a non-zero boundary).</summary>
    [Fact]
    public void Zero_signs_contribute_nothing_whatever_the_boundary()
    {
        var (a, b, sequences, g) = Setup(new ScOptions(), 40, 96, 20, 31);
        for (var i = 0; i < a.Sign.Length; i += 7)
        {
            a.Sign[i] = 0;
            a.Boundary[i] = (ushort)(1 + i % g.G);
        }

        var expected = NaiveScSimulator.Enable(a, b, sequences);
        var tables = new EnableTables(sequences, g.G);
        try
        {
            foreach (var path in new[] { EnablePath.Lookup, EnablePath.RowTables })
            {
                EnableKernel.ForcePath = path;
                Assert.Equal(expected, EnableKernel.Accumulate(a, b, tables, signed: true));
            }
        }
        finally
        {
            EnableKernel.ForcePath = null;
        }
    }

    /// <summary>b's row-table entries rank its boundaries among the quantizer's levels; boundaries no quantizer makes
    /// (here every fifth non-zero element of the first 16 columns, which the 16-wide vector fill covers, or of all
    /// columns) switch to all G + 1 boundaries as levels.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(90)]
    public void Boundaries_outside_the_quantizer_levels_stay_exact(int columns)
    {
        var (a, b, sequences, g) = Setup(new ScOptions(), 40, 90, 20, 37);
        for (var i = 0; i < columns * 20; i += 5)
        {
            if (b.Sign[i] != 0)
                b.Boundary[i] = (ushort)(i % (g.G + 1));
        }
        var expected = NaiveScSimulator.Enable(a, b, sequences);
        try
        {
            EnableKernel.ForcePath = EnablePath.RowTables;
            Assert.Equal(expected, EnableKernel.Accumulate(a, b, new EnableTables(sequences, g.G), signed: true));
        }
        finally
        {
            EnableKernel.ForcePath = null;
        }
    }

    private static void AssertEnableMatches(ScOptions options, int n, int m, int d, ulong seed)
    {
        var (a, b, sequences, g) = Setup(options, n, m, d, seed);
        var expected = NaiveScSimulator.Enable(a, b, sequences);
        var tables = new EnableTables(sequences, g.G);
        var bipolar = options.Mode == ScMode.Bipolar;
        try
        {
            foreach (var (path, scalar) in new[] { (EnablePath.Lookup, false), (EnablePath.Lookup, true), (EnablePath.RowTables, false) })
            {
                EnableKernel.ForcePath = path;
                EnableKernel.ForceScalar = scalar;
                Assert.Equal(expected, EnableKernel.Accumulate(a, b, tables, bipolar));
            }
        }
        finally
        {
            EnableKernel.ForcePath = null;
            EnableKernel.ForceScalar = false;
        }
    }

    /// <summary>Random operands (about a tenth exact zeros, a few full-scale values) quantized per row.</summary>
    private static (ScCodes A, ScCodes B, ScSequences Sequences, ScGeometry Geometry) Setup(ScOptions options, int n, int m, int d, ulong seed)
    {
        var g = options.Resolve();
        var a = Operand(n * d, seed, 0);
        var b = Operand(m * d, seed, 1);
        var unipolar = options.Mode == ScMode.Unipolar;
        var qa = ScQuantizer.Grouped(a, n, d, 1, g, unipolar);
        var qb = ScQuantizer.Grouped(b, m, d, 1, g, unipolar);
        return (qa, qb, ScSequences.Prepare(g, d), g);
    }

    private static float[] Operand(int count, ulong seed, ulong stream)
    {
        var values = new float[count];
        PhiloxRandom.FillNormal(values, seed, stream);
        var rng = new PhiloxRandom(seed, stream + 100);
        for (var i = 0; i < count; i++)
        {
            if (rng.NextBelow(10) == 0)
                values[i] = 0;
        }

        return values;
    }
}
