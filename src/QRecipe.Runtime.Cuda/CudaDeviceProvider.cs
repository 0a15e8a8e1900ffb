using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Devices;

[assembly: ComputeDeviceProvider("cuda", typeof(CudaDeviceProvider))]

namespace QRecipe.Runtime.Cuda;

/// <summary>How <see cref="ComputeDevices.Open"/> opens "cuda:N" without the runtime referencing this assembly.</summary>
public sealed class CudaDeviceProvider : IComputeDeviceProvider
{
    public IComputeDevice Open(int ordinal)
    {
        try
        {
            return CudaComputeDevice.Open(ordinal);
        }
        catch (CudaUnavailableException e)
        {
            throw new ComputeDeviceException("CUDA is not available: " + e.Message, e);
        }
    }
}
