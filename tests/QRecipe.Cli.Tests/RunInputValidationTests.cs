using System;
using System.IO;
using System.Linq;
using QRecipe.Cli.Output;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>Every argument and input file of a run is checked before its results folder exists: a refused run
/// leaves nothing behind, exits with the documented code and prints one line without .NET's parameter names.</summary>
public sealed class RunInputValidationTests
{
    private const string Tiny = "recipe Tiny\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\nweights int8\n";

    private static (int Code, string Output, string Error) Run(TempFolder folder, params string[] extra)
    {
        var recipe = folder.File("tiny.qrecipe", Tiny);
        var samples = extra.Contains("--samples") ? Array.Empty<string>() : new[] { "--samples", "2" };
        var result = CliRunner.Run(new[] { "run", recipe, "--out", Path.Combine(folder.Path, "results") }.Concat(samples).Concat(extra).ToArray());
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "results")), "a refused run created its results folder");
        Assert.Equal(string.Empty, result.Output);
        return result;
    }

    [Fact]
    public void A_missing_checkpoint_is_a_usage_error()
    {
        using var folder = new TempFolder();
        var absent = Path.Combine(folder.Path, "absent.pt");
        var (code, _, error) = Run(folder, "--checkpoint", absent);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --checkpoint {absent}: no such file", error.TrimEnd('\n'));
    }

    [Fact]
    public void A_folder_given_as_checkpoint_is_a_usage_error()
    {
        using var folder = new TempFolder();
        var (code, _, error) = Run(folder, "--checkpoint", folder.Path);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --checkpoint {folder.Path} is a folder, not a file", error.TrimEnd('\n'));
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_of_the_model_is_an_input_error()
    {
        using var folder = new TempFolder();
        var text = folder.File("weights.pt", "not weights at all");
        var (code, _, error) = Run(folder, "--checkpoint", text);
        Assert.Equal(1, code);
        Assert.StartsWith($"qrecipe: {text}: not a recognised checkpoint", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));

        // A real checkpoint of two blocks for a model of three: the header lacks block 2's keys.
        var twoBlocks = TinyDitCheckpoint.Write(Path.Combine(folder.Path, "two.safetensors"), _ => { });
        var threeBlocks = folder.File("three.qrecipe", Tiny.Replace("depth 2", "depth 3", StringComparison.Ordinal));
        var results = Path.Combine(folder.Path, "results");
        (code, var output, error) = CliRunner.Run("run", threeBlocks, "--checkpoint", twoBlocks, "--out", results);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith($"qrecipe: {twoBlocks}", error);
        Assert.Contains("blocks.2.", error);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_noise_file_that_is_not_npy_is_an_input_error()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy", "hello");
        var (code, _, error) = Run(folder, "--synthetic", "--noise", noise);
        Assert.Equal(1, code);
        Assert.Contains(noise, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_noise_file_with_no_samples_is_an_input_error()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy");
        NpyFile.WriteSingles(noise, Array.Empty<float>(), 0, 4, 8, 8);
        var (code, _, error) = Run(folder, "--synthetic", "--noise", noise);
        Assert.Equal(1, code);
        Assert.Contains("has shape (0, 4, 8, 8)", error);
    }

    [Fact]
    public void A_vae_that_is_not_a_checkpoint_is_an_input_error()
    {
        using var folder = new TempFolder();
        var text = folder.File("vae.safetensors", "not weights at all");
        var (code, _, error) = Run(folder, "--synthetic", "--vae", text);
        Assert.Equal(1, code);
        Assert.StartsWith($"qrecipe: VAE {text}: not a recognised checkpoint", error);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("10")]
    [InlineData("-2147483648")]
    public void A_class_outside_the_model_is_a_usage_error(string label)
    {
        using var folder = new TempFolder();
        var (code, _, error) = Run(folder, "--synthetic", "--class", label);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --class {label} is outside 0..9 of custom", error.TrimEnd('\n'));
    }

    [Fact]
    public void A_run_that_cannot_fit_in_memory_is_refused_with_the_estimate()
    {
        using var folder = new TempFolder();
        var (code, _, error) = Run(folder, "--synthetic", "--samples", "2147483647");
        Assert.Equal(1, code);
        // Activations are those of one chunk of 16 samples; the latents of all of them are what does not fit.
        Assert.Matches(@"^qrecipe: --samples 2147483647 on custom needs at least [0-9.]+ GiB \(weights [0-9.]+ MiB, activations [0-9.]+ MiB, latents [0-9.]+ GiB\); [0-9.]+ GiB is available\n$", error);
    }

    [Fact]
    public void A_synthetic_model_too_wide_for_memory_is_refused_before_its_weights_are_made()
    {
        using var folder = new TempFolder();
        // 28 blocks of hidden 16384 (the language's limit): 28 x 18 x 16384^2 = 135 G parameters, 4 bytes each (one
        // float32 copy: 504 GiB).
        var recipe = folder.File("wide.qrecipe", Tiny.Replace("depth 2 hidden 32", "depth 28 hidden 16384", StringComparison.Ordinal));
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--out", results);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Matches(@"^qrecipe: --samples 4 on custom needs at least 50[0-9.]+ GiB \(weights 50[0-9.]+ GiB, ", error);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void A_noise_device_is_refused_without_reading_it()
    {
        using var folder = new TempFolder();
        var (code, _, error) = Run(folder, "--synthetic", "--noise", "/dev/zero");
        Assert.Equal(2, code);
        Assert.Equal("qrecipe: --noise /dev/zero is a character device, not a regular file", error.TrimEnd('\n'));
    }

    [Fact]
    public void Sc_matmul_names_the_conflict_without_parameter_names()
    {
        using var folder = new TempFolder();
        NpyFile.WriteSingles(folder.File("a.npy"), new float[] { 1, 2, 3, 4 }, 2, 2);
        var (code, _, error) = CliRunner.Run("sc", "matmul", "--a", folder.File("a.npy"), "--b", folder.File("a.npy"), "--kernel", "xnor", "--mode", "unipolar");
        Assert.Equal(2, code);
        Assert.Equal("qrecipe: sc matmul: the XNOR kernel is bipolar; use the AND kernel for unipolar", error.TrimEnd('\n'));
    }

    [Fact]
    public void Argument_exception_text_loses_the_parameter_name_and_actual_value()
    {
        Assert.Equal("must be positive", UserMessage.Of(new ArgumentOutOfRangeException("columns", -3, "must be positive")));
        Assert.Equal("bad kernel", UserMessage.Of(new ArgumentException("bad kernel", "Kernel")));
        Assert.Equal("plain", UserMessage.Of(new InvalidOperationException("plain")));
    }
}
