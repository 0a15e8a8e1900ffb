using System.Runtime.InteropServices;
using Xunit;

namespace QRecipe.Cli.Tests;

/// <summary>selftest and bench on a machine without the CUDA driver (CI has none): a runtime failure (exit 3) whose one
/// message names the missing library and how to provide it, never a stack trace.</summary>
public sealed class CudaCommandTests
{
    [Theory]
    [InlineData("selftest")]
    [InlineData("bench")]
    public void Without_a_driver_the_device_commands_name_the_missing_library(string command)
    {
        if (NativeLibrary.TryLoad("libcuda.so.1", out var driver))
        {
            NativeLibrary.Free(driver);
            return; // a GPU machine: docs/cuda.md's selftest is the check there
        }
        var (code, output, error) = CliRunner.Run(command, "--device", "cuda");
        Assert.Equal(3, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("CUDA driver not found: looked for libcuda.so.1", error);
        Assert.Contains("QRECIPE_CUDA_PATH", error);
        Assert.DoesNotContain("   at ", error);
    }
}
