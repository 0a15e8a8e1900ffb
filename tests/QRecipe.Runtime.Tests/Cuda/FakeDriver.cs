using System;
using System.IO;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Compilation;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>
/// The fake CUDA driver and cuBLAS of scripts/cuda-emulate/fake-cuda, which run our kernels on the CPU: the folder
/// holding them comes from QRECIPE_FAKE_CUDA (.ci/run builds them and sets it). Opening a device searches that folder
/// first, then this machine's folders for NVRTC, which stays real. What this verifies and what it cannot is in that
/// folder's README: the host code end to end, not the GPU.
/// </summary>
internal static class FakeDriver
{
    public const string Variable = "QRECIPE_FAKE_CUDA";

    private static readonly Lazy<string?> Missing = new(() => CudaNeeds.Probe(() => Open().Dispose()));

    /// <summary>Why the fake driver cannot be used here, or null.</summary>
    public static string? SkipReason => Missing.Value;

    /// <summary>The fake device; its kernels are compiled by the real NVRTC into a cache of their own. Without the
    /// variable or the fakes this throws saying so, so a test that must run (QRECIPE_REQUIRE_CUDA_TOOLS) fails with that line.</summary>
    public static CudaDevice Open()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } folder)
            throw new CudaUnavailableException($"{Variable} is not set; scripts/cuda-emulate/fake-cuda/build.sh builds the fake driver into a folder to set it to");
        if (!File.Exists(Path.Combine(folder, "libcuda.so.1")))
            throw new CudaUnavailableException($"{Variable}={folder} holds no libcuda.so.1");
        var locator = new CudaLibraryLocator(CudaLibraryLocator.SearchFolders(folder, "/"));
        var device = CudaDevice.Open(0, locator, new KernelCache(Path.Combine(Path.GetTempPath(), "qrecipe-fake-cuda-kernels")));
        if (!device.Name.Contains("emulation", StringComparison.OrdinalIgnoreCase))
        {
            device.Dispose();
            throw new CudaUnavailableException($"{Variable} opened \"{device.Name}\", which is not the fake driver");
        }

        return device;
    }
}
