using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Tests.Quantization;

public sealed class GptqTests
{
    /// <summary>The reference's float64 H, as GPTQ's input: the GPTQ cases below are chaotic in H (one code at a rounding
    /// tie moves a group's grid; the 3-bit case changes a third of its codes between a float64 H and the same H summed
    /// in float32), so they get exactly the H the reference used.</summary>
    private static GptqStatistics ReferenceHessian() => GptqStatistics.FromHessian(ReferenceData.F64("gptq/h"), 96);

    /// <summary>Accumulated over the reference's three batches of 16 rows, H agrees with its float64 H within the float32
    /// bound of SymmetricRankUpdate: γ₁₆ = 16u/(1 − 16u), u = 2⁻²⁴, relative to (2/n)·Σ|xᵢxⱼ| (plus float64 roundings).</summary>
    [Fact]
    public void Streamed_hessian_matches_reference_within_float32_products()
    {
        var stats = new GptqStatistics(96);
        var magnitude = new double[96 * 96];
        for (var b = 0; b < 3; b++)
        {
            var x = ReferenceData.F32($"gptq/in{b}");
            stats.Accumulate(x, 16, 2, "blocks.0.attn.qkv");
            for (var k = 0; k < 16; k++)
            {
                for (var i = 0; i < 96; i++)
                {
                    for (var j = 0; j < 96; j++) magnitude[i * 96 + j] += Math.Abs((double)x[k * 96 + i] * x[k * 96 + j]);
                }
            }
        }
        var expected = ReferenceData.F64("gptq/h");
        Assert.Equal(6, stats.Samples);
        const double u = 1.0 / (1 << 24);
        var gamma = 16 * u / (1 - 16 * u) + 64 * Math.Pow(2, -53);
        var h = stats.Hessian();
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(h[i] - expected[i]) <= gamma * 2.0 / 6 * magnitude[i], $"H[{i}] = {h[i]}, reference {expected[i]}");
    }

    [Fact]
    public void Hessian_by_hand()
    {
        var stats = new GptqStatistics(2);
        stats.Accumulate([1, 2, 3, 4], 2, 1, "l");
        Assert.Equal([20.0, 28, 28, 40], stats.Hessian());
        stats.Accumulate([1, 0], 1, 1, "l"); // H·1/2 + (2/2)·[[1,0],[0,0]]
        Assert.Equal([11.0, 14, 14, 20], stats.Hessian());
    }

    /// <summary>Handed over, S becomes H in its own array: the same values as a fresh H, nothing retained, and the
    /// statistics refuse to be read or updated again; GPTQ on the handed-over statistics gives the same codes.</summary>
    [Fact]
    public void Handing_over_forms_the_same_hessian_once_and_gptq_gives_the_same_codes()
    {
        var stats = new GptqStatistics(2);
        stats.Accumulate([1, 2, 3, 4], 2, 1, "l");
        stats.HandOverOnNextUse();
        Assert.Equal(32, stats.RetainedBytes);
        Assert.Equal([20.0, 28, 28, 40], stats.Hessian());
        Assert.Equal(0, stats.RetainedBytes);
        Assert.Throws<InvalidOperationException>(() => stats.Hessian());
        Assert.Throws<InvalidOperationException>(() => stats.Accumulate([1, 0], 1, 1, "l"));

        var w = ReferenceData.F32("gptq/w");
        var kept = Gptq.Quantize(w, 16, 96, 4, false, 32, ReferenceHessian(), "l").Dequantize();
        var handedOver = ReferenceHessian();
        handedOver.HandOverOnNextUse();
        Assert.Equal(kept, Gptq.Quantize(w, 16, 96, 4, false, 32, handedOver, "l").Dequantize());
        Assert.Equal(0, handedOver.RetainedBytes);
    }

    /// <summary>U from Cholesky of the reversed H and a triangular inverse equals LAPACK's route to float32 rounding
    /// almost everywhere; one differently rounded U entry can flip a code at a rounding tie, so the test allows 1% of
    /// the codes to differ and bounds the difference of the results.</summary>
    [Theory]
    [InlineData("gptq/asym4_g32", 4, false, Granularity.Group, 32, Gptq.BlockSize)]
    [InlineData("gptq/asym4_pc", 4, false, Granularity.PerChannel, 0, Gptq.BlockSize)]
    [InlineData("gptq/sym4_g32", 4, true, Granularity.Group, 32, Gptq.BlockSize)]
    [InlineData("gptq/asym3_g48_b32", 3, false, Granularity.Group, 48, 32)]
    public void Matches_reference(string name, int bits, bool symmetric, Granularity granularity, int group, int blockSize)
    {
        var w = ReferenceData.F32("gptq/w");
        var groupLength = granularity == Granularity.Group ? group : 96;
        var codes = Gptq.Quantize(w, 16, 96, bits, symmetric, groupLength, ReferenceHessian(), "l", blockSize);
        var actual = codes.Dequantize();
        var expected = ReferenceData.F32(name);
        var differing = 0;
        double diff = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (actual[i] != expected[i]) differing++;
            diff += Math.Pow(actual[i] - expected[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        Assert.True(differing <= expected.Length / 100, $"{differing} of {expected.Length} values differ");
        Assert.True(Math.Sqrt(diff / norm) < 2e-2, $"relative difference {Math.Sqrt(diff / norm)}");
        if (blockSize == Gptq.BlockSize)
        {
            var viaEntry = WeightQuantizer.Quantize(w, 16, 96, new WeightQuant(bits, granularity, group, symmetric, WeightMethod.Gptq), ReferenceHessian(), "l");
            Assert.Equal(actual, viaEntry.Dequantized);
        }
    }

    [Fact]
    public void Grid_conventions_by_hand()
    {
        // asym: 0 forced into range, scale (2.75 + 1)/15, zero round(1/0.25) = 4
        Assert.Equal(new UniformGrid(0.25f, 4f, 0f, 15f), Gptq.Grid(-1f, 2.75f, 4, false));
        // sym offset grid: absmax 3 over 15 codes with the zero at code 8
        var sym = Gptq.Grid(-3f, 1f, 4, true);
        Assert.Equal(new UniformGrid(6f / 15f, 8f, 0f, 15f), sym);
        // an all-non-negative row keeps xmin = 0 with zero 8: values above 7·scale clip (GPTQ's grid)
        var positive = Gptq.Grid(0.5f, 3f, 4, true);
        Assert.Equal(0.2f, positive.Scale);
        Assert.Equal(7 * 0.2f, positive.FakeQuantize(3f));
        Assert.Equal(new UniformGrid(2f / 15f, 8f, 0f, 15f), Gptq.Grid(0f, 0f, 4, true));
    }

    [Fact]
    public void Gptq_beats_rtn_on_correlated_inputs()
    {
        var w = new float[32 * 64];
        Randomness.PhiloxRandom.FillNormal(w, 7);
        var x = new float[256 * 64];
        Randomness.PhiloxRandom.FillNormal(x, 8);
        for (var r = 0; r < 256; r++)
        {
            for (var c = 1; c < 64; c++) x[r * 64 + c] = 0.7f * x[r * 64 + c - 1] + 0.3f * x[r * 64 + c];
        }
        var stats = new GptqStatistics(64);
        stats.Accumulate(x, 256, 16, "l");
        var gptq = WeightQuantizer.Quantize(w, 32, 64, new WeightQuant(3, Granularity.PerChannel, 0, false, WeightMethod.Gptq), stats, "l").Dequantized;
        var rtn = Gptq.Quantize(w, 32, 64, 3, false, 64, Identity(64), "l").Dequantize();
        Assert.True(OutputError(x, w, gptq) < 0.8 * OutputError(x, w, rtn), $"{OutputError(x, w, gptq)} vs {OutputError(x, w, rtn)}");
    }

    private static double OutputError(float[] x, float[] w, float[] q)
    {
        double err = 0;
        for (var r = 0; r < 256; r++)
        {
            for (var o = 0; o < 32; o++)
            {
                double d = 0;
                for (var c = 0; c < 64; c++) d += x[r * 64 + c] * (double)(w[o * 64 + c] - q[o * 64 + c]);
                err += d * d;
            }
        }
        return err;
    }

    /// <summary>H ∝ I: GPTQ's error feedback then only reaches the diagonal, i.e. it is RTN on the GPTQ grid.</summary>
    private static GptqStatistics Identity(int n)
    {
        var statistics = new GptqStatistics(n);
        var eye = new float[n * n];
        for (var i = 0; i < n; i++) eye[i * n + i] = 1;
        statistics.Accumulate(eye, n, 1, "identity");
        return statistics;
    }
}
