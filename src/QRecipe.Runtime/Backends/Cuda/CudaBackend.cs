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
        const string op = nameof(MatMul);
        Float32(op, a, b, output);
        TensorChecks.Rank(op, a, 2);
        TensorChecks.Rank(op, b, 2);
        TensorChecks.Rank(op, output, 2);
        int m = transposeA ? a.Shape[1] : a.Shape[0], k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0], n = transposeB ? b.Shape[0] : b.Shape[1];
        ShapeMismatchException.ThrowUnless(k == kb, op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        ShapeMismatchException.ThrowUnless(output.Shape.Equals(new TensorShape(m, n)), op, new TensorShape(m, n), output.Shape, "output must be [M, N]");
        CheckBias(op, bias, n);
        Gemm(a, b, output, bias, m, n, k, transposeA, transposeB, a.Shape[1], b.Shape[1], alpha, 1);
    }

    public void Linear(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        const string op = nameof(Linear);
        Float32(op, input, weight, output);
        TensorChecks.Rank(op, weight, 2);
        int n = weight.Shape[0], k = weight.Shape[1];
        ShapeMismatchException.ThrowUnless(input.Shape.Last == k, op, input.Shape, weight.Shape, "input's last axis must equal the weight's in-features (axis 1)");
        ShapeMismatchException.ThrowUnless(TensorChecks.SameExceptLast(input, output) && output.Shape.Last == n, op,
            input.Shape.With(input.Rank - 1, n), output.Shape, "output must be the input's shape with out-features last");
        CheckBias(op, bias, n);
        Gemm(input, weight, output, bias, (int)input.Shape.Rows, n, k, false, true, k, k, 1f, 1);
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f)
    {
        const string op = nameof(BatchedMatMul);
        Float32(op, a, b, output);
        var r = a.Rank;
        ShapeMismatchException.ThrowUnless(r >= 2 && r == b.Rank && r == output.Rank, op, a.Shape, b.Shape, "ranks must be equal and at least 2");
        for (var axis = 0; axis < r - 2; axis++)
            TensorChecks.Dimension(op, a, axis, b, axis);
        int m = a.Shape[r - 2], k = a.Shape[r - 1];
        int kb = transposeB ? b.Shape[r - 1] : b.Shape[r - 2], n = transposeB ? b.Shape[r - 2] : b.Shape[r - 1];
        ShapeMismatchException.ThrowUnless(k == kb, op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        ShapeMismatchException.ThrowUnless(TensorChecks.SameExceptLast(a, output) && output.Shape.Last == n, op, a.Shape.With(r - 1, n), output.Shape,
            "output must be [..., M, N]");
        Gemm(a, b, output, null, m, n, k, false, transposeB, k, b.Shape[r - 1], alpha, (int)a.Shape.Product(0, r - 2));
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

    private static void CheckBias(string op, Tensor? bias, int n)
    {
        if (bias is null)
            return;
        TensorChecks.Float32(op, bias);
        ShapeMismatchException.ThrowUnless(bias.Rank == 1 && bias.Shape[0] == n, op, bias.Shape, new TensorShape(n), "bias must be [N]");
    }

    private static void Float32(string op, params Tensor[] tensors)
    {
        foreach (var tensor in tensors)
            TensorChecks.Float32(op, tensor);
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
