using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Cuda.Backend;
using QRecipe.Runtime.Cuda.Quantization;
using QRecipe.Runtime.Cuda.Sc;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Cuda;

/// <summary>
/// One GPU as a compute device: the DiT on the CUDA backend (tensors stay on the device between operations), activation
/// fake-quantization, round-to-nearest weight quantization, exact SC products and the noise surrogate's products on the GPU. An exact SC product is computed
/// whole on the device tensors (<see cref="CudaScProducts"/>: quantization, accumulators, decode); a cell it declines
/// runs on the CPU engine, which quantizes, splits mixed precision and decodes on the host around the GPU's integer
/// accumulators (<see cref="CudaScAccumulators"/>). Either way an exact SC product gives the CPU's output.
/// </summary>
public sealed class CudaComputeDevice : IComputeDevice
{
    private readonly CudaDevice _gpu;
    private readonly int _ordinal;
    private readonly CudaBackend _backend;
    private readonly CudaScAccumulators _accumulators;
    private readonly CudaScProducts _products;
    private readonly CudaActivationQuantizer _activations;
    private readonly CudaWeightQuantizer _weights;
    private readonly CudaNoiseSurrogate _surrogate;

    private CudaComputeDevice(CudaDevice gpu, int ordinal)
    {
        _gpu = gpu;
        _ordinal = ordinal;
        _backend = new CudaBackend(gpu);
        try
        {
            _accumulators = new CudaScAccumulators(gpu);
            _products = new CudaScProducts(gpu, _accumulators.Product);
        }
        catch
        {
            _backend.Dispose();
            throw;
        }
        _activations = new CudaActivationQuantizer(gpu);
        _weights = new CudaWeightQuantizer(gpu);
        _surrogate = new CudaNoiseSurrogate(gpu, _backend.Blas);
    }

    /// <summary>GPU <paramref name="ordinal"/>; throws <see cref="CudaUnavailableException"/> saying what is missing,
    /// having freed whatever it had opened.</summary>
    public static CudaComputeDevice Open(int ordinal) => Over(CudaDevice.Open(ordinal), ordinal);

    /// <summary>A compute device over a GPU opened by the caller (e.g. with its own library locator or kernel cache); it
    /// takes ownership of <paramref name="gpu"/>, which is disposed if the device cannot be built.</summary>
    public static CudaComputeDevice Over(CudaDevice gpu, int ordinal = 0)
    {
        try
        {
            return new CudaComputeDevice(gpu, ordinal);
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    public string Name => $"cuda:{_ordinal}";

    /// <summary>The GPU underneath, for what is specific to CUDA (self-test, kernel benchmarks).</summary>
    public CudaDevice Gpu => _gpu;

    public ITensorBackend Tensors => _backend;

    public IActivationFakeQuantizer ActivationQuantizer => _activations;

    public IWeightFakeQuantizer WeightQuantizer => _weights;

    public IScAccumulators ScAccumulators => _accumulators;

    public IScProducts ScProducts => _products;

    public IScSurrogate ScSurrogate => _surrogate;

    IActivationFakeQuantizer? IComputeDevice.ActivationQuantizer => _activations;

    IWeightFakeQuantizer? IComputeDevice.WeightQuantizer => _weights;

    IScAccumulators? IComputeDevice.ScAccumulators => _accumulators;

    IScProducts? IComputeDevice.ScProducts => _products;

    IScSurrogate? IComputeDevice.ScSurrogate => _surrogate;

    public DeviceTraffic Traffic
    {
        get
        {
            var (toDevice, toHost) = _gpu.Traffic;
            return new DeviceTraffic(toDevice, toHost);
        }
    }

    public IReadOnlyList<string> Describe(RecipePlan plan)
    {
        var sc = plan.Cells.Select(c => plan.Palette[c].Sc).Where(s => s.Enabled).ToList();
        var surrogate = sc.Count(s => s.Noise is not null);
        var exact = sc.Where(s => s.Noise is null).ToList();
        var declined = exact.Select(s => _products.Declines(s)).OfType<string>().ToList();
        var reasons = string.Join(", ", declined.GroupBy(r => r).Select(g => $"{g.Count()} with {g.Key}"));
        var parts = new[]
        {
            exact.Count > declined.Count ? $"{exact.Count - declined.Count} exact cells computed whole on the GPU (quantize, accumulate, decode)" : null,
            declined.Count > 0 ? $"{declined.Count} exact cells on the CPU engine with the GPU's integer accumulators ({reasons})" : null,
            surrogate > 0 ? $"{surrogate} noise-surrogate cells' products on the GPU (same noise as the CPU, FP32 cuBLAS product)" : null,
        }.OfType<string>().DefaultIfEmpty("no SC cells");
        return
        [
            $"device {_gpu.Name}, sm_{_gpu.Architecture}: the DiT and activation quantizers on the CUDA backend (FP32 GEMMs, tensors kept on the device)",
            "  weights: round-to-nearest versions made on the GPU; " + (HostWeightMethods(plan) is { Length: > 0 } host ? $"{host} on the host" : "none on the host"),
            "  SC: " + string.Join("; ", parts),
        ];
    }

    /// <summary>The weight methods of <paramref name="plan"/> the device leaves to the host, comma-separated.</summary>
    private string HostWeightMethods(RecipePlan plan) =>
        string.Join(", ", plan.Cells.Select(c => plan.Palette[c].Weights).Where(w => !w.IsFloat && _weights.Declines(w) is not null)
            .Select(w => WeightQuant.MethodText(w.Method)).Distinct());

    public IReadOnlyList<string> Report() =>
    [
        $"cuda: {_products.Calls} exact SC products computed whole on the GPU; {_accumulators.Calls.Enable} enable-signal and "
            + $"{_accumulators.Calls.Bitstream} legacy products' accumulators for the CPU engine",
        $"cuda: {Traffic}",
    ];

    public void Dispose()
    {
        _accumulators.Dispose();
        _backend.Dispose();
        _gpu.Dispose();
    }
}
