using System.IO;
using System.Runtime.InteropServices;

namespace QRecipe.Cli.Tests;

/// <summary>selftest, bench and run on a machine without the CUDA driver (CI has none): a runtime failure (exit 3) whose
/// one message names the missing library and how to provide it, never a stack trace.</summary>
public sealed class CudaCommandTests
{
    [Theory]
    [InlineData("selftest")]
    [InlineData("bench")]
    public void Without_a_driver_the_device_commands_name_the_missing_library(string command)
    {
        if (DriverPresent())
            return; // a GPU machine: docs/cuda.md's selftest is the check there
        var (code, output, error) = CliRunner.Run(command, "--device", "cuda");
        Assert.Equal(3, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("CUDA driver not found: looked for libcuda.so.1", error);
        Assert.Contains("QRECIPE_CUDA_PATH", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Run_on_cuda_without_a_driver_names_it_and_leaves_no_results_folder()
    {
        if (DriverPresent())
            return;
        using var folder = new TempFolder();
        var recipe = folder.File("tiny.qrecipe", "recipe Tiny\nmodel custom { depth 1 hidden 32 heads 2 patch 2 latent 8 classes 10 }\n"
            + "sampler ddim steps 2 cfg 1.5\nweights int8 per-channel\nactivations int8 on all\nsc precision 8 {\n  fc1 stream 64\n}\n");
        var results = Path.Combine(folder.Path, "results");
        var (code, output, error) = CliRunner.Run("run", recipe, "--synthetic", "--samples", "1", "--device", "cuda", "--out", results);
        Assert.Equal(3, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("qrecipe: CUDA is not available: CUDA driver not found: looked for libcuda.so.1", error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(results));
    }

    private static bool DriverPresent()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var driver))
            return false;
        NativeLibrary.Free(driver);
        return true;
    }
}
