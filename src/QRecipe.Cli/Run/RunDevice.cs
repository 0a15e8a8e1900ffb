using System;
using System.IO;
using System.Linq;
using QRecipe.Cli.Commands;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Backends.Cuda;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Sc;

namespace QRecipe.Cli.Run;

/// <summary>
/// Where <c>qrecipe run</c> computes: the CPU backend and SC engine, or (<c>--device cuda</c>) the GPU for the DiT
/// (tensors resident on the device between operations), activation fake-quantization, the exact SC products' integer
/// accumulators and the noise surrogate's products. The CPU engine keeps SC quantization, mixed-precision splitting
/// and the decode, so an exact SC product gives the CPU's output for the same operands. The <c>--vae</c> decode
/// runs on the same backend. The run's output says what runs where.
/// </summary>
internal sealed class RunDevice : IDisposable
{
    private readonly CudaDevice? _cuda;
    private readonly CudaBackend? _cudaBackend;
    private readonly CudaScAccumulators? _cudaSc;
    private readonly CudaActivationQuantizer? _cudaActivations;
    private readonly CudaBlas? _surrogateBlas;
    private readonly CudaNoiseSurrogate? _cudaSurrogate;

    private RunDevice(CudaDevice? cuda)
    {
        _cuda = cuda;
        if (cuda is null)
            return;
        _cudaBackend = new CudaBackend(cuda);
        _cudaSc = new CudaScAccumulators(cuda);
        _cudaActivations = new CudaActivationQuantizer(cuda);
        _surrogateBlas = new CudaBlas(cuda);
        _cudaSurrogate = new CudaNoiseSurrogate(cuda, _surrogateBlas);
    }

    public ITensorBackend Backend => _cudaBackend ?? (ITensorBackend)CpuBackend.Instance;

    /// <summary>Null: the CPU engine.</summary>
    public IScAccumulators? ScAccumulators => _cudaSc;

    /// <summary>Null: the host.</summary>
    public IActivationFakeQuantizer? ActivationQuantizer => _cudaActivations;

    /// <summary>Null: the CPU engine.</summary>
    public IScSurrogate? ScSurrogate => _cudaSurrogate;

    /// <summary>The device named by <c>--device</c>, or null after writing what is missing to <paramref name="error"/>
    /// (nothing has been created then). The driver and NVRTC are loaded by opening the GPU, cuBLAS by the backend.</summary>
    public static RunDevice? Open(string device, int gpu, TextWriter error)
    {
        if (device != "cuda")
            return new RunDevice(null);
        var cuda = CudaOptions.Open(gpu, error);
        if (cuda is null)
            return null;
        try
        {
            return new RunDevice(cuda);
        }
        catch (CudaUnavailableException e)
        {
            cuda.Dispose();
            CudaOptions.Unavailable(e, error);
            return null;
        }
    }

    /// <summary>What runs where, before sampling; nothing for the CPU.</summary>
    public void Describe(RecipePlan plan, TextWriter output, TextWriter log)
    {
        if (_cuda is null)
            return;
        var sc = plan.Cells.Select(c => plan.Palette[c].Sc).Where(s => s.Enabled).ToList();
        var surrogate = sc.Count(s => s.Noise is not null);
        var lines = new[]
        {
            $"device {_cuda.Name}, sm_{_cuda.Architecture}: the DiT and activation quantizers on the CUDA backend (FP32 GEMMs, tensors kept on the device)",
            "  SC: " + string.Join("; ", new[]
            {
                sc.Count - surrogate > 0 ? $"{sc.Count - surrogate} exact cells' integer accumulators on the GPU, decoded by the CPU engine" : null,
                surrogate > 0 ? $"{surrogate} noise-surrogate cells' products on the GPU (same noise as the CPU, FP32 cuBLAS product)" : null,
            }.Where(part => part is not null).DefaultIfEmpty("no SC cells")),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
            log.WriteLine(line);
        }
    }

    /// <summary>How many SC products ran on the device, after the run; nothing for the CPU.</summary>
    public void Report(TextWriter output)
    {
        if (_cudaSc is null || _cuda is null)
            return;
        output.WriteLine($"  cuda: {_cudaSc.Calls.Enable} enable-signal and {_cudaSc.Calls.Bitstream} legacy SC products on the GPU");
        var (toDevice, toHost) = _cuda.Traffic;
        output.WriteLine($"  cuda: {toDevice / 1048576.0:F1} MiB copied to the device, {toHost / 1048576.0:F1} MiB back");
    }

    public void Dispose()
    {
        _cudaSc?.Dispose();
        _surrogateBlas?.Dispose();
        _cudaBackend?.Dispose();
        _cuda?.Dispose();
    }
}
