using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Plan;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Tests;

/// <summary>The estimate a run prints before it starts, --dry-run, and the peak memory in the run report.</summary>
public sealed class RunEstimateTests
{
    private const string Recipe =
        "recipe Tiny\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\n"
        + "weights int4 gptq\nactivations int8 on all\ncalibrate samples 3 steps 1, 3 batch 2\n";

    /// <summary>The recipe's model, written out here rather than taken from the compiler.</summary>
    private static readonly ModelSpec Tiny = new("custom", 2, 32, 2, 2, 8, 10);

    [Fact]
    public void Dry_run_prints_one_estimate_per_phase_and_writes_nothing()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", Recipe);
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", "3", "--chunk", "2", "--out", results, "--dry-run");
        Assert.True(code == 0, error);
        Assert.False(Directory.Exists(results), "a dry run made the results folder");
        Assert.Equal([folder.File("tiny.qrecipe")], Directory.GetFileSystemEntries(folder.Path));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["calibration", "quantization", "sampling"], lines.Select(l => l.Split(':')[1].Trim()));

        // Sampling holds what RunMemoryEstimate says a run of 3 samples in chunks of 2 holds.
        var sampling = RunMemoryEstimate.For(Tiny, 3, false, 2).TotalBytes;
        Assert.EndsWith($"memory ≥ {RunMemoryEstimate.Format(sampling)}", lines[2]);
        // Calibration holds the float weights, a forward of one calibration batch (2 samples) and the lower triangles of
        // the GPTQ sums (float64) of the layers the weights rule covers, per block: qkv, proj, fc1, adaLN (32 inputs)
        // and fc2 (128).
        var hessians = 8.0 * 2 * (4 * 32 * 33 / 2 + 128 * 129 / 2);
        Assert.Contains($"memory ≥ {RunMemoryEstimate.Format(RunMemoryEstimate.For(Tiny, 2, false).TotalBytes + hessians)}", lines[0]);
    }

    [Fact]
    public void A_run_prints_the_estimate_before_it_starts_and_reports_its_peak_memory()
    {
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", Recipe);
        var results = Path.Combine(folder.Path, "results");
        var before = Environment.WorkingSet;
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", "2", "--out", results);
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.StartsWith("estimate: calibration: ", lines[0]);
        Assert.StartsWith("estimate: quantization: ", lines[1]);
        Assert.StartsWith("estimate: sampling: ", lines[2]);
        Assert.All(lines[..3], line => Assert.Contains("GFLOP/s), memory ≥ ", line));

        var run = Directory.GetDirectories(results).Single();
        var peak = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json"))).RootElement.GetProperty("peak_memory_bytes").GetInt64();
        // The high-water mark of this process cannot be below what it held before the run, nor above the machine. Linux
        // counts resident pages in per-CPU counters that it reads approximately (a few dozen pages per CPU), so the two
        // readings may disagree by that much: a clean-clone CI run read a peak 108 KiB below the earlier resident set.
        const long counterSlack = 4L << 20;
        Assert.InRange(peak, before - counterSlack, (long)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes + before);
        Assert.Contains($"({peak} bytes)", File.ReadAllText(Path.Combine(run, "report.md")));
    }
}
