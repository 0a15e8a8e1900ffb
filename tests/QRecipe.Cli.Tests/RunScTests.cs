using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QRecipe.Cli.Tests;

/// <summary>qrecipe run with SC mixed precision, per-head and per-group lengths, the noise surrogate and debug on tiny
/// synthetic DiTs: debug_sc.csv, the measured SC compute in the reports and the bundled SC recipes.</summary>
public sealed class RunScTests
{
    private const string Tiny = "custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }";

    private static (int Code, string Output, string Error, string Folder) Run(TempFolder folder, string recipeText, params string[] extra)
    {
        var recipe = folder.File($"r{Guid.NewGuid():N}.qrecipe", recipeText);
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run(new[] { "run", recipe, "--synthetic", "--out", results }.Concat(extra).ToArray());
        var created = Directory.Exists(results) ? Directory.GetDirectories(results).OrderBy(d => d).LastOrDefault() ?? string.Empty : string.Empty;
        return (code, output, error, created);
    }

    private static string Recipe(string body) => $"recipe Tiny\nmodel {Tiny}\nsampler ddim steps 4 cfg 1.5\nweights int8 per-channel\nactivations int8 on all\n{body}\n";

    private static JsonElement Report(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json"))).RootElement;

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Debug_recipe_writes_one_consistent_csv_row_per_debugged_cell()
    {
        using var folder = new TempFolder();
        var run = Run(folder, Recipe("sc precision 8 debug {\n  qk stream 64\n  fc1 blocks 1 steps noisiest 50% stream 128\n}"), "--samples", "2");
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("debug_sc.csv", run.Output);
        var lines = File.ReadAllLines(Path.Combine(run.Folder, "debug_sc.csv"));
        Assert.Equal("step,block,operator,elements,relative_l2,mse,max_abs_error,cosine,fp_rms", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        // qk in both blocks at all 4 steps, fc1 in block 1 at the 2 noisiest steps; each (step, block, op) once.
        Assert.Equal(10, rows.Count);
        Assert.Equal(10, rows.Select(r => (r[0], r[1], r[2])).Distinct().Count());
        Assert.Equal(2, rows.Count(r => r[2] == "fc1" && r[1] == "1" && (r[0] == "0" || r[0] == "1")));
        foreach (var r in rows)
        {
            // 2 samples x 2 (guidance) x 2 heads x 16 x 16 scores; 64 token rows x 128 fc1 outputs.
            Assert.Equal(r[2] == "qk" ? "2048" : "8192", r[3]);
            double relative = D(r[4]), mse = D(r[5]), maxAbs = D(r[6]), cosine = D(r[7]), rms = D(r[8]);
            Assert.Equal(mse, relative * relative * rms * rms, 1e-9 * mse);
            Assert.True(maxAbs >= Math.Sqrt(mse) && cosine <= 1 + 1e-12 && cosine > 0.9, string.Join(",", r));
        }
        Assert.Equal(10, Report(run.Folder).GetProperty("sc_debug").GetProperty("records").GetInt32());
        Assert.Contains("## SC debug", File.ReadAllText(Path.Combine(run.Folder, "report.md")));

        var plain = Run(folder, Recipe("sc precision 8 {\n  qk stream 64\n}"), "--samples", "1");
        Assert.True(plain.Code == 0, plain.Error);
        Assert.False(File.Exists(Path.Combine(plain.Folder, "debug_sc.csv")));
        Assert.False(Report(plain.Folder).TryGetProperty("sc_debug", out _));
    }

    /// <summary>The legacy kernels inside a run: with the attention products in SC at p = 6, L = 64, the final latents
    /// of `kernel xnor` (symmetric activations) and `kernel and` (asymmetric) stay within a few times the error of
    /// `kernel enable` on the same recipe. Bitstream products spread by about 1/√L of full scale per dimension where
    /// the enable kernel's error scales with the operands, so they cannot match it; before their streams were made
    /// independent, xnor's latents were 60–100% off floating point.</summary>
    /// <summary>How many times the enable kernel's final-latent error a legacy kernel may reach (measured: xnor 2.5×,
    /// and 0.8×; before the fix 106× and 9.4×).</summary>
    private const double LegacyToEnable = 4;

    [Theory]
    [InlineData("xnor", "symmetric")]
    [InlineData("and", "asymmetric")]
    public void Legacy_kernels_in_a_run_stay_close_to_the_enable_kernel(string kernel, string encoding)
    {
        using var folder = new TempFolder();
        double FinalError(string name)
        {
            var text = $"recipe Tiny\nmodel {Tiny}\nsampler ddim steps 4 cfg 1.5\nweights int8 per-channel\nactivations int8 {encoding} on all\n" +
                $"sc precision 6 kernel {name} {{\n  qk, av stream 64\n}}\n";
            var run = Run(folder, text, "--samples", "2", "--compare-fp");
            Assert.True(run.Code == 0, run.Error);
            return Report(run.Folder).GetProperty("fidelity").GetProperty("final_relative_l2").GetDouble();
        }

        var enable = FinalError("enable");
        var legacy = FinalError(kernel);
        Assert.True(legacy <= LegacyToEnable * enable, $"kernel {kernel}: final latents {legacy:G3} off floating point, enable {enable:G3}");
    }

    [Fact]
    public void Reports_carry_the_measured_stream_work()
    {
        using var folder = new TempFolder();
        var run = Run(folder, Recipe("sc precision 8 noise {\n  fc1 stream 64\n  mp fc1 levels 64 0 fractions 0.75 0.25\n}"), "--samples", "2");
        Assert.True(run.Code == 0, run.Error);
        // fc1 runs 8 times (2 blocks x 4 steps) on 64 token rows (2 samples x 2 guidance halves x 16 tokens), 32 -> 128:
        // 48 rows at 64, 16 pruned, against 64 rows at 2^8.
        var compute = Report(run.Folder).GetProperty("sc_compute");
        var fc1 = compute.GetProperty("operators").GetProperty("fc1");
        Assert.Equal(8, fc1.GetProperty("calls").GetInt64());
        Assert.Equal(8L * 48 * 64 * 128 * 32, fc1.GetProperty("stream_bit_macs").GetInt64());
        Assert.Equal(8L * 64 * 256 * 128 * 32, fc1.GetProperty("full_length_stream_bit_macs").GetInt64());
        Assert.Equal(1 - 48.0 * 64 / (64 * 256), fc1.GetProperty("savings").GetDouble(), 12);
        Assert.Single(compute.GetProperty("operators").EnumerateObject());
        Assert.Equal(fc1.GetProperty("stream_bit_macs").GetInt64(), compute.GetProperty("stream_bit_macs").GetInt64());
        Assert.Contains("| fc1 | 8 | 1.007e+8 | 5.369e+8 |", File.ReadAllText(Path.Combine(run.Folder, "report.md")));
        Assert.Matches(@"fc1\s+8\s+1\.007e\+8\s+5\.369e\+8", run.Output);
    }

    [Theory]
    [InlineData("sc_everywhere_mp.qrecipe", "custom { depth 12 hidden 32 heads 2 patch 2 latent 4 classes 10 }")]
    [InlineData("sc_per_head.qrecipe", "custom { depth 2 hidden 64 heads 16 patch 2 latent 4 classes 10 }")]
    public void Bundled_sc_recipes_run_on_a_small_model_of_the_same_layout(string file, string model)
    {
        // The recipe as shipped, on a small model with the depth and head count its selectors need, for 3 steps.
        var text = File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, file));
        text = Regex.Replace(text, @"^model .*$", "model " + model, RegexOptions.Multiline).Replace("steps 50", "steps 3");
        using var folder = new TempFolder();
        var run = Run(folder, text, "--samples", "1", "--compare-fp");
        Assert.True(run.Code == 0, run.Error);
        var report = Report(run.Folder);
        var compute = report.GetProperty("sc_compute");
        Assert.True(compute.GetProperty("calls").GetInt64() > 0);
        Assert.InRange(compute.GetProperty("savings").GetDouble(), 0.01, 0.99);
        Assert.InRange(report.GetProperty("fidelity").GetProperty("final_relative_l2").GetDouble(), 1e-6, 1);
    }
}
