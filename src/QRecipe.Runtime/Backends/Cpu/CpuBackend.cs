using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Backends.Cpu.Parallel;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>The managed CPU backend: SIMD kernels (AVX-512, AVX2+FMA or portable Vector&lt;T&gt;, chosen at start-up) on
/// all cores through a persistent worker pool. This file holds the matrix products; the other operations are in the
/// partial files beside it.</summary>
public sealed unsafe partial class CpuBackend : ITensorBackend
{
    private CpuBackend()
    {
    }

    public static CpuBackend Instance { get; } = new();

    public string Name => $"cpu ({Sgemm.Default})";

    /// <summary>Managed bytes allocated so far by the calling thread and the CPU workers; the difference around a
    /// call is what the call allocated (0 for a warmed-up GEMM or row operation).</summary>
    public static long AllocatedManagedBytes() => AllocationCounter.ReadAllThreads();

    public void MatMul(Tensor a, Tensor b, Tensor output, bool transposeA = false, bool transposeB = false, Tensor? bias = null, float alpha = 1f)
    {
        var (m, n, k) = TensorChecks.MatMul(nameof(MatMul), a, b, output, bias, transposeA, transposeB);
        Sgemm.Multiply(new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32ReadPointer, a.Shape[1], transposeA),
            MatrixView.RowMajor(b.Float32ReadPointer, b.Shape[1], transposeB),
            output.Float32Pointer, n, bias is null ? null : bias.Float32ReadPointer));
    }

    public void Linear(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (m, n, k) = TensorChecks.Linear(nameof(Linear), input, weight, bias, output);
        Sgemm.Multiply(new GemmProblem(m, n, k, 1f,
            MatrixView.RowMajor(input.Float32ReadPointer, k, false),
            MatrixView.RowMajor(weight.Float32ReadPointer, k, true),
            output.Float32Pointer, n, bias is null ? null : bias.Float32ReadPointer));
    }

    public void LinearGelu(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        var (m, n, k) = TensorChecks.Linear(nameof(LinearGelu), input, weight, bias, output);
        Sgemm.Multiply(new GemmProblem(m, n, k, 1f,
            MatrixView.RowMajor(input.Float32ReadPointer, k, false),
            MatrixView.RowMajor(weight.Float32ReadPointer, k, true),
            output.Float32Pointer, n, bias is null ? null : bias.Float32ReadPointer, GemmEpilogue.Gelu));
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f)
    {
        var (batch, m, n, k) = TensorChecks.BatchedMatMul(nameof(BatchedMatMul), a, b, output, transposeB);
        var first = new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32ReadPointer, k, false),
            MatrixView.RowMajor(b.Float32ReadPointer, b.Shape[b.Rank - 1], transposeB),
            output.Float32Pointer, n, null);
        BatchedSgemm.Multiply(first, batch, (nint)m * k, (nint)k * n, (nint)m * n);
    }
}
