using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Runtime.Cuda.Compilation;

/// <summary>What NVRTC compiles for: machine code (CUBIN) for one architecture sm_XY, or PTX for a virtual
/// architecture compute_XY that the driver JIT-compiles for a newer device.</summary>
public readonly record struct KernelTarget(int Architecture, bool Cubin)
{
    public string Option => $"--gpu-architecture={(Cubin ? "sm" : "compute")}_{Architecture}";

    public override string ToString() => $"{(Cubin ? "sm" : "compute")}_{Architecture}";

    /// <summary>CUBIN for the device's own architecture when NVRTC knows it, else PTX for the newest architecture it
    /// knows below the device's (forward-compatible through the driver's JIT); null when it knows none.</summary>
    public static KernelTarget? For(int deviceArchitecture, IEnumerable<int> supported)
    {
        var known = supported.ToList();
        if (known.Contains(deviceArchitecture))
            return new KernelTarget(deviceArchitecture, Cubin: true);
        var older = known.Where(a => a < deviceArchitecture).DefaultIfEmpty(0).Max();
        return older == 0 ? null : new KernelTarget(older, Cubin: false);
    }
}
