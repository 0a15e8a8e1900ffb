using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace QRecipe.Runtime.Devices;

/// <summary>Opens the device a run computes on, by name: "cpu", "cuda" (GPU 0) or "cuda:N". GPUs come from the
/// QRecipe.Runtime.Cuda assembly, found at run time next to this one.</summary>
public static class ComputeDevices
{
    private const string CudaAssembly = "QRecipe.Runtime.Cuda";

    /// <summary>The CPU; never needs disposing.</summary>
    public static IComputeDevice Cpu => CpuComputeDevice.Instance;

    /// <summary>The device <paramref name="name"/> names. Throws <see cref="ComputeDeviceException"/> for a name that is
    /// not one of the forms above, or saying what is missing (assembly, driver, GPU, NVRTC, cuBLAS) when a GPU cannot be
    /// opened.</summary>
    public static IComputeDevice Open(string name)
    {
        if (name == "cpu")
            return Cpu;
        if (name == "cuda")
            return Provider("cuda", CudaAssembly).Open(0);
        if (name.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
            return Provider("cuda", CudaAssembly).Open(ordinal);
        throw new ComputeDeviceException($"unknown device \"{name}\": expected cpu, cuda or cuda:N (N the GPU ordinal)");
    }

    private static IComputeDeviceProvider Provider(string kind, string assemblyName)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (FileNotFoundException)
        {
            throw new ComputeDeviceException($"{kind} devices need {assemblyName}.dll next to QRecipe.Runtime.dll (reference the {assemblyName} project)");
        }
        var attribute = assembly.GetCustomAttributes<ComputeDeviceProviderAttribute>().FirstOrDefault(a => a.Kind == kind)
            ?? throw new ComputeDeviceException($"{assemblyName}.dll provides no {kind} devices");
        return (IComputeDeviceProvider)Activator.CreateInstance(attribute.Provider)!;
    }
}
