using System;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>
/// <see cref="ITensorBackend"/> on a CUDA GPU: GEMMs through cuBLAS, every elementwise, row-wise and layout operation
/// through our kernels (Kernels/*.cu). Each tensor keeps a copy in device memory (<see cref="Tensor.DeviceAddress"/>):
/// operands are uploaded only when the host wrote them since, results stay on the device, and host code that reads a
/// result gets it copied back then. A forward pass therefore moves only its input, its output and what host code
/// touches in between. Shape checks state the CPU backend's requirements; the positional table (once per model)
/// and whole-tensor statistics (one number) run on <see cref="CpuBackend"/>. Not verified on a GPU yet:
/// <c>qrecipe selftest --device cuda</c> checks every operation against the CPU backend.
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

    /// <summary>Linear, then GELU in place: two kernels (the fusion is the CPU backend's).</summary>
    public void LinearGelu(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        TensorChecks.Linear(nameof(LinearGelu), input, weight, bias, output);
        Linear(input, weight, bias, output);
        Gelu(output, output);
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f)
    {
        var (batch, m, n, k) = TensorChecks.BatchedMatMul(nameof(BatchedMatMul), a, b, output, transposeB);
        Gemm(a, b, output, null, m, n, k, false, transposeB, k, b.Shape[b.Rank - 1], alpha, batch);
    }

    /// <summary>The backend's cuBLAS handle, shared by the device's other GEMM users (precision is per call).</summary>
    internal CudaBlas Blas => blas;

    public void Dispose() => blas.Dispose();

    private void Gemm(Tensor a, Tensor b, Tensor output, Tensor? bias, int m, int n, int k, bool transposeA, bool transposeB,
        int lda, int ldb, float alpha, int batch)
    {
        ulong pa = In(a), pb = In(b), pbias = bias is null ? 0 : In(bias), pc = Out(output);
        blas.Gemm(pa, pb, pc, m, n, k, transposeA, transposeB, lda, ldb, alpha, batch, Precision);
        if (bias is not null)
            device.LaunchElements(Elementwise, "add_bias_rows", output.ElementCount,
                new KernelArguments().ULong(pc).ULong(pbias).Int(n).Long(output.ElementCount));
    }

    /// <summary>The tensor's device copy for reading (uploaded if the host wrote it since).</summary>
    private ulong In(Tensor tensor) => tensor.DeviceAddress(device, write: false);

    /// <summary>The tensor's device copy for writing; take it after the inputs' (an output may alias an input).</summary>
    private ulong Out(Tensor tensor) => tensor.DeviceAddress(device, write: true);
}
