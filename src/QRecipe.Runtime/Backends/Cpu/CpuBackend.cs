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
        const string op = nameof(MatMul);
        TensorChecks.Float32(op, a);
        TensorChecks.Float32(op, b);
        TensorChecks.Float32(op, output);
        TensorChecks.Rank(op, a, 2);
        TensorChecks.Rank(op, b, 2);
        TensorChecks.Rank(op, output, 2);

        int m = transposeA ? a.Shape[1] : a.Shape[0], k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0], n = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ShapeMismatchException(op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        if (output.Shape[0] != m || output.Shape[1] != n)
            throw new ShapeMismatchException(op, new TensorShape(m, n), output.Shape, "output must be [M, N]");
        CheckBias(op, bias, n);
        Sgemm.Multiply(new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32Pointer, a.Shape[1], transposeA),
            MatrixView.RowMajor(b.Float32Pointer, b.Shape[1], transposeB),
            output.Float32Pointer, n, bias is null ? null : bias.Float32Pointer));
    }

    public void Linear(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        const string op = nameof(Linear);
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, weight);
        TensorChecks.Float32(op, output);
        TensorChecks.Rank(op, weight, 2);
        ShapeMismatchException.ThrowUnless(input.Shape.Last == weight.Shape[1], op, input.Shape, weight.Shape, "input's last axis must equal the weight's in-features (axis 1)");
        if (!TensorChecks.SameExceptLast(input, output) || output.Shape.Last != weight.Shape[0])
            throw new ShapeMismatchException(op, input.Shape.With(input.Rank - 1, weight.Shape[0]), output.Shape, "output must be the input's shape with out-features last");
        CheckBias(op, bias, weight.Shape[0]);
        int m = (int)input.Shape.Rows, n = weight.Shape[0], k = weight.Shape[1];
        Sgemm.Multiply(new GemmProblem(m, n, k, 1f,
            MatrixView.RowMajor(input.Float32Pointer, k, false),
            MatrixView.RowMajor(weight.Float32Pointer, k, true),
            output.Float32Pointer, n, bias is null ? null : bias.Float32Pointer));
    }

    public void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f)
    {
        const string op = nameof(BatchedMatMul);
        TensorChecks.Float32(op, a);
        TensorChecks.Float32(op, b);
        TensorChecks.Float32(op, output);
        ShapeMismatchException.ThrowUnless(a.Rank >= 2 && a.Rank == b.Rank && a.Rank == output.Rank, op, a.Shape, b.Shape, "ranks must be equal and at least 2");
        var r = a.Rank;
        for (var axis = 0; axis < r - 2; axis++)
            TensorChecks.Dimension(op, a, axis, b, axis);
        int m = a.Shape[r - 2], k = a.Shape[r - 1];
        int kb = transposeB ? b.Shape[r - 1] : b.Shape[r - 2], n = transposeB ? b.Shape[r - 2] : b.Shape[r - 1];
        if (k != kb)
            throw new ShapeMismatchException(op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        if (!TensorChecks.SameExceptLast(a, output) || output.Shape.Last != n)
            throw new ShapeMismatchException(op, a.Shape.With(r - 1, n), output.Shape, "output must be [..., M, N]");
        var batch = (int)a.Shape.Product(0, r - 2);
        var first = new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32Pointer, k, false),
            MatrixView.RowMajor(b.Float32Pointer, b.Shape[r - 1], transposeB),
            output.Float32Pointer, n, null);
        BatchedSgemm.Multiply(first, batch, (nint)m * k, (nint)k * n, (nint)m * n);
    }

    private static void CheckBias(string op, Tensor? bias, int n)
    {
        if (bias is null)
            return;
        TensorChecks.Float32(op, bias);
        if (bias.Rank != 1 || bias.Shape[0] != n)
            throw new ShapeMismatchException(op, bias.Shape, new TensorShape(n), "bias must be [N]");
    }
}
