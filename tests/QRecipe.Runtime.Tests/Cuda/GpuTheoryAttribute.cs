using System;
using QRecipe.Runtime.Backends.Cuda;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>A theory that needs a CUDA device: skipped at discovery, with the backend's own message saying what is
/// missing (driver library, device, NVRTC), when none can be opened.</summary>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            CudaDevice.Open().Dispose();
            return null;
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
