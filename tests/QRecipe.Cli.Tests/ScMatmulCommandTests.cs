using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using QRecipe.Runtime.IO;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.TestReference;

namespace QRecipe.Cli.Tests;

/// <summary>qrecipe sc matmul: the written product is the library's bit for bit, and the printed errors are those of
/// that product against the exact one.</summary>
public sealed class ScMatmulCommandTests
{
    private static float[] Values(int count, int seed) =>
        Enumerable.Range(0, count).Select(i => (float)Math.Sin(i * 0.71 + seed) * (1 + i % 5)).ToArray();

    private static double Printed(string output, string name) =>
        double.Parse(Regex.Match(output, $@"^{name} (\S+)$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Product_equals_the_library_and_errors_match_it()
    {
        using var folder = new TempFolder();
        var a = Values(6 * 40, 1);
        var b = Values(5 * 40, 2);
        NpyFile.WriteSingles(folder.File("a.npy"), a, 6, 40);
        NpyFile.WriteSingles(folder.File("b.npy"), b, 5, 40);
        var (code, output, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("b.npy"),
            "--precision", "6", "--stream", "48", "--out", folder.File("c.npy"));
        Assert.True(code == 0, error);

        var expected = ScMatmul.Multiply(a, 6, b, 5, 40, new ScOptions { Precision = 6, Stream = 48 });
        var written = NpyFile.Read(folder.File("c.npy"));
        Assert.Equal(new[] { 6, 5 }, written.Shape);
        Assert.Equal(expected, written.ToSingles());

        double difference = 0, norm = 0;
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                double exact = 0;
                for (var k = 0; k < 40; k++)
                    exact += (double)a[i * 40 + k] * b[j * 40 + k];
                difference += Math.Pow(expected[i * 5 + j] - exact, 2);
                norm += exact * exact;
            }
        }
        // Printed with 7 significant digits.
        Assert.InRange(Printed(output, "relative error") / Math.Sqrt(difference / norm), 1 - 1e-6, 1 + 1e-6);
        Assert.InRange(Printed(output, "mse") / (difference / 30), 1 - 1e-6, 1 + 1e-6);
        Assert.InRange(Printed(output, "cosine"), 0.9, 1.0);
        Assert.Contains("p 6, L 48, grid 64, bipolar, enable kernel", output);
    }

    [Fact]
    public void Per_head_operands_give_one_product_per_head()
    {
        using var folder = new TempFolder();
        NpyFile.WriteSingles(folder.File("q.npy"), Values(2 * 4 * 8, 3), 2, 4, 8);
        NpyFile.WriteSingles(folder.File("k.npy"), Values(2 * 4 * 8, 4), 2, 4, 8);
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("q.npy"), "--b", folder.File("k.npy"), "--granularity", "per-head", "--out", folder.File("s.npy"));
        Assert.True(code == 0, error);
        Assert.Equal(new[] { 2, 4, 4 }, NpyFile.Read(folder.File("s.npy")).Shape);
    }

    [Fact]
    public void Stream_longer_than_the_precision_allows_is_refused_with_the_limit()
    {
        using var folder = new TempFolder();
        NpyFile.WriteSingles(folder.File("a.npy"), Values(8, 1), 2, 4);
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("a.npy"), "--stream", "512");
        Assert.Equal(2, code);
        Assert.Contains("L must lie in 1..2^p = 256", error);
        var (precisionCode, _, precisionError) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("a.npy"), "--precision", "16");
        Assert.Equal(2, precisionCode);
        Assert.Contains("1..15", precisionError);
    }

    [Fact]
    public void Operands_of_different_widths_are_a_usage_error()
    {
        using var folder = new TempFolder();
        NpyFile.WriteSingles(folder.File("a.npy"), Values(8, 1), 2, 4);
        NpyFile.WriteSingles(folder.File("b.npy"), Values(9, 1), 3, 3);
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("b.npy"));
        Assert.Equal(2, code);
        Assert.Contains("got a (2, 4) and b (3, 3)", error);
    }

    /// <summary>--noise-model runs the noise surrogate (docs/sc-engine.md): the library's surrogate bit for bit; with c = 0 the noise
    /// seed cannot matter (the plain quantized product); with c &gt; 0 the seed decides the noise and the error grows.</summary>
    [Fact]
    public void Noise_model_runs_the_surrogate_with_its_coefficient_and_seed()
    {
        using var folder = new TempFolder();
        var a = Values(8 * 64, 3);
        var b = Values(6 * 64, 4);
        NpyFile.WriteSingles(folder.File("a.npy"), a, 8, 64);
        NpyFile.WriteSingles(folder.File("b.npy"), b, 6, 64);
        float[] Run(string correction, string seed, string name)
        {
            var (code, output, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("b.npy"),
                "--noise-model", "--correction", correction, "--noise-seed", seed, "--stream", "64", "--out", folder.File(name));
            Assert.True(code == 0, error);
            Assert.Contains($"noise surrogate c {correction}, seed {seed}", output);
            return NpyFile.Read(folder.File(name)).ToSingles();
        }

        var plain = Run("0", "1", "plain1.npy");
        Assert.Equal(plain, Run("0", "2", "plain2.npy"));
        var noisy = Run("0.15", "1", "noisy1.npy");
        Assert.Equal(noisy, Run("0.15", "1", "noisy1b.npy"));
        Assert.NotEqual(noisy, Run("0.15", "2", "noisy2.npy"));
        Assert.Equal(ScNoiseSurrogate.Multiply(a, 8, b, 6, 64, 64, new QRecipe.Plan.NoiseModel(0.15, 0.15), perRow: true,
            QRecipe.Plan.ScMode.Bipolar, seed: 1), noisy);
        double Distance(float[] x) => x.Zip(plain, (p, q) => Math.Pow(p - q, 2)).Sum();
        Assert.True(Distance(noisy) > 0);
    }

    /// <summary>The reported case: --kernel xnor (and --kernel and) at precision 6 on random 24×96 by 20×96 operands.
    /// Against the quantized product, computed here from the documented formulas, the written product stays within the
    /// binomial spread of independent L-cycle streams (RMS at most one standard deviation, no output beyond 5), and the
    /// error shrinks from L = 16 to the full 64.</summary>
    [Theory]
    [InlineData("xnor")]
    [InlineData("and")]
    public void Legacy_kernels_estimate_the_quantized_product_within_the_stream_spread(string kernel)
    {
        const int n = 24, m = 20, d = 96, p = 6;
        using var folder = new TempFolder();
        var a = StreamProductReference.Normal(n * d, 11);
        var b = StreamProductReference.Normal(m * d, 12);
        NpyFile.WriteSingles(folder.File("a.npy"), a, n, d);
        NpyFile.WriteSingles(folder.File("b.npy"), b, m, d);
        var unipolar = kernel == "and";
        var errors = new[] { 16, 64 }.Select(length =>
        {
            var (code, output, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("b.npy"), "--kernel", kernel,
                "--mode", unipolar ? "unipolar" : "bipolar", "--precision", $"{p}", "--stream", $"{length}", "--out", folder.File($"c{length}.npy"));
            Assert.True(code == 0, error);
            Assert.Contains($"p {p}, L {length}, grid 64, {(unipolar ? "unipolar" : "bipolar")}, {kernel} kernel", output);
            var expected = unipolar
                ? StreamProductReference.And(a, n, b, m, d, p, length)
                : StreamProductReference.Xnor(a, n, b, m, d, p, length);
            var actual = NpyFile.Read(folder.File($"c{length}.npy")).ToSingles();
            double worst = 0, squared = 0, variance = 0;
            for (var i = 0; i < actual.Length; i++)
            {
                var e = actual[i] - expected.Mean[i];
                worst = Math.Max(worst, Math.Abs(e) / expected.Sd[i]);
                squared += e * e;
                variance += expected.Sd[i] * expected.Sd[i];
            }
            Assert.True(worst <= 5 && squared <= variance, $"{kernel} L {length}: worst {worst:F2} sd, rms {Math.Sqrt(squared / variance):F3} sd");
            return Math.Sqrt(squared);
        }).ToArray();
        Assert.True(errors[1] < errors[0], $"error at L 64 ({errors[1]:G4}) not below L 16 ({errors[0]:G4})");
    }

    [Fact]
    public void Correction_without_the_noise_model_is_a_usage_error()
    {
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", "a.npy", "--b", "b.npy", "--correction", "0.1");
        Assert.Equal(2, code);
        Assert.Contains("--correction needs --noise-model", error);
    }
}
