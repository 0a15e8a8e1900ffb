using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cuda;

/// <summary>
/// <see cref="ITensorBackend"/> on a CUDA GPU: GEMMs through cuBLAS, every elementwise, row-wise and layout operation
/// through our kernels (Kernels/*.cu). Tensors live in host memory, so each call uploads its operands, runs on the
/// device and downloads the result: correct for any caller, fast only for compute-heavy calls; device-resident
/// tensors are the next step (docs/cuda.md). Shape checks state the CPU backend's requirements; operations that only move host
/// memory or run once per model (concat, split, copy, positional tables, whole-tensor statistics) run on
/// <see cref="CpuBackend"/>. Not verified on a GPU yet: <c>qrecipe selftest --device cuda</c> checks every
/// operation against the CPU backend.
/// </summary>
public sealed unsafe partial class CudaBackend : ITensorBackend, IDisposable
{
    private const string Elementwise = "elementwise.cu";
    private const string Rows = "rows.cu";
    private const string Layout = "layout.cu";
    private static readonly CpuBackend Cpu = CpuBackend.Instance;
    private readonly CudaDevice device;
    private readonly CudaBlas blas;

    public CudaBackend(CudaDevice device, GemmPrecision precision = GemmPrecision.Float32)
    {
        this.device = device;
        blas = new CudaBlas(device);
        Precision = precision;
    }

    public GemmPrecision Precision { get; }

    public string Name => $"cuda ({device.Name}, sm_{device.Architecture}, {Precision})";

    public void MatMul(Tensor a, Tensor b, Tensor output, bool transposeA = false, bool transposeB = false, Tensor? bias = null, float alpha = 1f)
    {
        var (m, n, k) = TensorChecks.MatMul(nameof(MatMul), a, b, output, bias, transposeA, transposeB);
        Gemm(a, b, output, bias, m, n, k, transposeA, transposeB, a.Shape[1], b.Shape[1], alpha, 1);
    }

    public void Linear(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (m, n, k) = TensorChecks.Linear(nameof(Linear), input, weight, bias, output);
        Gemm(input, weight, output, bias, m, n, k, false, true, k, k, 1f, 1);
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f)
    {
        var (batch, m, n, k) = TensorChecks.BatchedMatMul(nameof(BatchedMatMul), a, b, output, transposeB);
        Gemm(a, b, output, null, m, n, k, false, transposeB, k, b.Shape[b.Rank - 1], alpha, batch);
    }

    public void Dispose() => blas.Dispose();

    private void Gemm(Tensor a, Tensor b, Tensor output, Tensor? bias, int m, int n, int k, bool transposeA, bool transposeB,
        int lda, int ldb, float alpha, int batch)
    {
        using var da = Upload(a);
        using var db = Upload(b);
        using var dc = device.Allocate<float>(output.ElementCount);
        blas.Gemm(da, db, dc, m, n, k, transposeA, transposeB, lda, ldb, alpha, batch, Precision);
        if (bias is not null)
        {
            using var dbias = Upload(bias);
            device.LaunchElements(Elementwise, "add_bias_rows", output.ElementCount,
                new KernelArguments().Pointer(dc).Pointer(dbias).Int(n).Long(output.ElementCount));
        }

        Download(dc, output);
    }


    private DeviceBuffer Upload(Tensor tensor)
    {
        var buffer = new DeviceBuffer(device, Math.Max(1, tensor.ElementCount * tensor.DataType.SizeInBytes()));
        buffer.Upload(new ReadOnlySpan<byte>((void*)tensor.Address, checked((int)(tensor.ElementCount * tensor.DataType.SizeInBytes()))));
        return buffer;
    }

    private static void Download(DeviceBuffer buffer, Tensor tensor) =>
        buffer.Download(new Span<byte>((void*)tensor.Address, checked((int)(tensor.ElementCount * tensor.DataType.SizeInBytes()))));
}
