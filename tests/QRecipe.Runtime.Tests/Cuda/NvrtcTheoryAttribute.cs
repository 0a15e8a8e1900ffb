using System;
using QRecipe.Runtime.Backends.Cuda.Interop;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>A theory that needs NVRTC (no GPU). It runs, and fails with the locator's message when NVRTC is missing,
/// unless QRECIPE_SKIP_NVRTC=1 asks to skip it: then the skip reason is visible in the test report.</summary>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public NvrtcTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("QRECIPE_SKIP_NVRTC") == "1")
            Skip = $"QRECIPE_SKIP_NVRTC=1: NVRTC kernel compilation not tested (install it with .ci/install-nvrtc or set {CudaLibraryLocator.PathVariable})";
    }
}

/// <summary><see cref="NvrtcTheoryAttribute"/> for a single fact.</summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    public NvrtcFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("QRECIPE_SKIP_NVRTC") == "1")
            Skip = "QRECIPE_SKIP_NVRTC=1: NVRTC kernel compilation not tested";
    }
}
