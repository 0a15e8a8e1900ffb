using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Devices;

/// <summary>The CPU: the CPU backend and the CPU engine for every seam. Stateless, so one instance serves all runs.</summary>
internal sealed class CpuComputeDevice : IComputeDevice
{
    public static readonly CpuComputeDevice Instance = new();

    private CpuComputeDevice()
    {
    }

    public string Name => "cpu";

    public ITensorBackend Tensors => CpuBackend.Instance;

    public IActivationFakeQuantizer? ActivationQuantizer => null;

    public IWeightFakeQuantizer? WeightQuantizer => null;

    public IScAccumulators? ScAccumulators => null;

    public IScProducts? ScProducts => null;

    public IScSurrogate? ScSurrogate => null;

    public DeviceTraffic Traffic => default;

    public IReadOnlyList<string> Describe(RecipePlan plan) => Array.Empty<string>();

    public IReadOnlyList<string> Report() => Array.Empty<string>();

    /// <summary>Nothing to free; disposing the shared CPU device is harmless.</summary>
    public void Dispose()
    {
    }
}
