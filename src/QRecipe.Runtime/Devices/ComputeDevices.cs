using System;
using System.Globalization;
using QRecipe.Runtime.Backends.Cuda;

namespace QRecipe.Runtime.Devices;

/// <summary>Opens the device a run computes on, by name: "cpu", "cuda" (GPU 0) or "cuda:N".</summary>
public static class ComputeDevices
{
    /// <summary>The CPU; never needs disposing.</summary>
    public static IComputeDevice Cpu => CpuComputeDevice.Instance;

    /// <summary>The device <paramref name="name"/> names. Throws <see cref="ComputeDeviceException"/> for a name that is
    /// not one of the forms above, and <see cref="CudaUnavailableException"/> saying what is missing (driver, GPU,
    /// NVRTC, cuBLAS) when a GPU cannot be opened.</summary>
    public static IComputeDevice Open(string name)
    {
        if (name == "cpu")
            return Cpu;
        if (name == "cuda")
            return CudaComputeDevice.Open(0);
        if (name.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
            return CudaComputeDevice.Open(ordinal);
        throw new ComputeDeviceException($"unknown device \"{name}\": expected cpu, cuda or cuda:N (N the GPU ordinal)");
    }
}
