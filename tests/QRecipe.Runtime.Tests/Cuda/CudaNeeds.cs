using System;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Compilation;
using QRecipe.Runtime.Cuda.Interop;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>What a CUDA test needs beyond the CPU.</summary>
public enum CudaNeed
{
    /// <summary>The NVRTC library (compiles kernels; no GPU needed).</summary>
    Nvrtc,
    /// <summary>The fake CUDA driver and cuBLAS named by QRECIPE_FAKE_CUDA, with the real NVRTC.</summary>
    FakeDriver,
    /// <summary>A real CUDA device.</summary>
    Gpu,
}

/// <summary>
/// Whether a CUDA test can run here, decided once per need at discovery. A missing need skips the test with one line
/// saying what is missing, so <c>dotnet test</c> passes on a fresh machine. With QRECIPE_REQUIRE_CUDA_TOOLS=1
/// (<c>.ci/run</c> sets it after installing NVRTC and building the fake driver) a missing NVRTC or fake driver is not
/// skipped: the test runs and fails with the loader's message. Only <see cref="CudaNeed.Gpu"/> may skip there.
/// </summary>
public static class CudaNeeds
{
    public const string RequireVariable = "QRECIPE_REQUIRE_CUDA_TOOLS";

    private static readonly Lazy<string?> MissingNvrtc = new(() => Probe(() => NvrtcCompiler.Load(CudaLibraryLocator.Default)));

    private static readonly Lazy<string?> MissingGpu = new(() => Probe(() =>
    {
        using var device = CudaDevice.Open();
        // Once the fake driver is loaded in this process (FakeDriverSelfTests), the loader's bare-name search finds it
        // too; it is not a GPU.
        if (device.Name.Contains("emulation", StringComparison.OrdinalIgnoreCase))
            throw new CudaUnavailableException($"the only CUDA device is the fake driver ({device.Name}); FakeDriverSelfTests run the checks against it");
    }));

    /// <summary>The skip reason for a test that needs <paramref name="need"/>, or null when it runs.</summary>
    public static string? SkipReason(CudaNeed need)
    {
        var (missing, what) = need switch
        {
            CudaNeed.Nvrtc => (MissingNvrtc.Value, "NVRTC unavailable (.ci/install-nvrtc installs it)"),
            CudaNeed.FakeDriver => (FakeDriver.SkipReason, "fake CUDA driver unavailable"),
            _ => (MissingGpu.Value, "CUDA unavailable"),
        };
        if (missing is null)
            return null;
        if (need != CudaNeed.Gpu && Environment.GetEnvironmentVariable(RequireVariable) == "1")
            return null;
        return $"{what}: {missing}";
    }

    /// <summary>Null when <paramref name="open"/> succeeds, else why CUDA is not usable.</summary>
    internal static string? Probe(Action open)
    {
        try
        {
            open();
            return null;
        }
        catch (Exception e) when (e is CudaUnavailableException or CudaException)
        {
            return e.Message;
        }
    }
}

/// <summary>A theory that needs <see cref="CudaNeed"/>: skipped with <see cref="CudaNeeds.SkipReason"/> where it is missing.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute(CudaNeed need) => Skip = CudaNeeds.SkipReason(need);
}

/// <summary>A fact that needs <see cref="CudaNeed"/>: skipped with <see cref="CudaNeeds.SkipReason"/> where it is missing.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute(CudaNeed need) => Skip = CudaNeeds.SkipReason(need);
}
