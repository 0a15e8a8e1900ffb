using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Devices;

/// <summary>
/// Where a run computes, as one object: the tensor backend the DiT runs on and the device's versions of the three
/// recipe operations a device may take over (activation fake-quantization, the weights' round-to-nearest versions, exact SC products, whole on the device's
/// tensors or as the integer accumulators of the CPU engine's host-side product, the SC noise surrogate's products).
/// A null seam means the CPU engine does that part; every seam gives the CPU's bits (the surrogate's product agrees to
/// FP32 GEMM rounding). Open one with <see cref="ComputeDevices.Open"/>; the device
/// owns what it created and frees it on <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface IComputeDevice : IDisposable
{
    /// <summary>"cpu" or "cuda:N".</summary>
    string Name { get; }

    /// <summary>The backend every DiT tensor lives on.</summary>
    ITensorBackend Tensors { get; }

    /// <summary>Where activations are fake-quantized; null is the host.</summary>
    IActivationFakeQuantizer? ActivationQuantizer { get; }

    /// <summary>Where the quantized versions of the weights are made; null, or a setting it declines, is the host.</summary>
    IWeightFakeQuantizer? WeightQuantizer { get; }

    /// <summary>Where exact SC products are computed whole on the device's tensors; null, or a cell it declines, is the
    /// CPU engine's host-side product (with <see cref="ScAccumulators"/>).</summary>
    IScProducts? ScProducts { get; }

    /// <summary>Where the CPU engine's exact SC products get their integer accumulators; null is the CPU engine.</summary>
    IScAccumulators? ScAccumulators { get; }

    /// <summary>Where noise-surrogate products run; null is the CPU engine.</summary>
    IScSurrogate? ScSurrogate { get; }

    /// <summary>Bytes copied host to device and back so far (zero on the CPU).</summary>
    DeviceTraffic Traffic { get; }

    /// <summary>What runs where for <paramref name="plan"/>, one line each; none for the CPU.</summary>
    IReadOnlyList<string> Describe(RecipePlan plan);

    /// <summary>What the device did so far (products, traffic), one line each; none for the CPU.</summary>
    IReadOnlyList<string> Report();
}
