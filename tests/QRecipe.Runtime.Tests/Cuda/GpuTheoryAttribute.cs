using System;
using QRecipe.Runtime.Backends.Cuda;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>A theory that needs a CUDA device: skipped at discovery, with the backend's own message saying what is
/// missing (driver library, device, NVRTC), when none can be opened, or when the device is the fake driver.</summary>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            using var device = CudaDevice.Open();
            // Once the fake driver is loaded in this process (FakeDriverSelfTests), the loader's bare-name search finds
            // it too; it is not a GPU.
            return device.Name.Contains("emulation", StringComparison.OrdinalIgnoreCase)
                ? $"the only CUDA device is the fake driver ({device.Name}); FakeDriverSelfTests run the checks against it"
                : null;
        }
        catch (CudaUnavailableException e)
        {
            return e.Message;
        }
        catch (CudaException e)
        {
            return e.Message;
        }
    });

    public GpuTheoryAttribute()
    {
        if (Missing.Value is { } reason)
            Skip = "CUDA unavailable: " + reason;
    }
}
