using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Tests;

/// <summary>run --noise: the file is read and checked before the other settings are checked against it, an explicit
/// --samples must equal its N, and what is echoed from it (path, shape) is escaped and capped.</summary>
public sealed class RunNoiseFileTests
{
    private const string Tiny = "recipe Tiny\nmodel custom { depth 2 hidden 32 heads 2 patch 2 latent 8 classes 10 }\nsampler ddim steps 4 cfg 1.5\nweights int8\n";

    private static (int Code, string Error) Run(TempFolder folder, params string[] extra)
    {
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run(new[] { "run", folder.File("tiny.qrecipe", Tiny), "--synthetic", "--out", results }.Concat(extra).ToArray());
        Assert.False(Directory.Exists(results), "a refused run created its results folder");
        Assert.Equal(string.Empty, output);
        return (code, error);
    }

    private static string Latents(TempFolder folder, string name, int samples)
    {
        var path = folder.File(name);
        NpyFile.WriteSingles(path, Enumerable.Range(0, samples * 256).Select(i => (float)Math.Sin(i)).ToArray(), samples, 4, 8, 8);
        return path;
    }

    [Fact]
    public void An_explicit_sample_count_other_than_the_files_is_refused_with_both_numbers()
    {
        using var folder = new TempFolder();
        var noise = Latents(folder, "noise.npy", 3);
        var (code, error) = Run(folder, "--noise", noise, "--samples", "2");
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: --samples 2 but --noise {noise} holds 3 samples; leave --samples out or give 3\n", error);
    }

    [Fact]
    public void A_bad_noise_file_is_reported_before_the_class_labels_are_checked_against_it()
    {
        using var folder = new TempFolder();
        var noise = folder.File("noise.npy", "not latents");
        var (code, error) = Run(folder, "--noise", noise, "--class", "1", "2", "3");
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {noise}: not a .npy file (it does not start with \\x93NUMPY)\n", error);
    }

    [Fact]
    public void Echoed_paths_are_escaped()
    {
        using var folder = new TempFolder();
        // ESC [2J clears a terminal's screen.
        var noise = Path.Combine(folder.Path, "a\u001b[2Jb.npy");
        var (code, error) = Run(folder, "--noise", noise);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --noise {folder.Path}/a\\x1B[2Jb.npy: no such file\n", error);

        File.Copy(Latents(folder, "three.npy", 3), noise);
        (code, error) = Run(folder, "--noise", noise, "--samples", "1");
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: --samples 1 but --noise {folder.Path}/a\\x1B[2Jb.npy holds 3 samples; leave --samples out or give 3\n", error);

        var vae = Path.Combine(folder.Path, "v\u001b]0;x\u0007.safetensors");
        (code, error) = Run(folder, "--vae", vae);
        Assert.Equal(2, code);
        Assert.Equal($"qrecipe: --vae {folder.Path}/v\\x1B]0;x\\x07.safetensors: no such file\n", error);
    }

    [Fact]
    public void A_noise_shape_of_many_dimensions_is_printed_capped()
    {
        using var folder = new TempFolder();
        var noise = folder.File("deep.npy");
        NpyFile.WriteSingles(noise, new float[] { 1 }, Enumerable.Repeat(1, 14).ToArray());
        var (code, error) = Run(folder, "--noise", noise);
        Assert.Equal(1, code);
        Assert.Equal($"qrecipe: {noise} has shape (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, … and 4 more); custom needs (N, 4, 8, 8) with N at least 1\n", error);
    }
}
