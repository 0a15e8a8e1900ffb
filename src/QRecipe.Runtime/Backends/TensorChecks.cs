using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Argument checks shared by the backend operations; failures name the operation and the shapes.</summary>
internal static partial class TensorChecks
{
    public static void Float32(string operation, Tensor tensor)
    {
        if (tensor.DataType != DataType.Float32)
            throw new ArgumentException($"{operation}: tensor {tensor.Shape} is {tensor.DataType.Name()}, expected float32");
    }

    public static void Rank(string operation, Tensor tensor, int rank)
    {
        if (tensor.Rank != rank)
            throw new ArgumentException($"{operation}: tensor {tensor.Shape} has rank {tensor.Rank}, expected {rank}");
    }

    public static void SameShape(string operation, Tensor first, Tensor second) =>
        ShapeMismatchException.ThrowUnless(first.Shape.Equals(second.Shape), operation, first.Shape, second.Shape, "shapes must be equal");

    public static void Dimension(string operation, Tensor first, int firstAxis, Tensor second, int secondAxis)
    {
        if (first.Shape[firstAxis] != second.Shape[secondAxis])
            throw new ShapeMismatchException(operation, first.Shape, second.Shape, $"axis {firstAxis} of the first must equal axis {secondAxis} of the second");
    }

    /// <summary>Equal ranks and equal sizes on every axis but the last (checked without allocating a shape).</summary>
    public static bool SameExceptLast(Tensor first, Tensor second) => first.Rank == second.Rank && SameLeading(first, second, first.Rank - 1);

    /// <summary>Equal sizes on the first <paramref name="axes"/> axes, which both tensors must have.</summary>
    public static bool SameLeading(Tensor first, Tensor second, int axes)
    {
        for (var axis = 0; axis < axes; axis++)
        {
            if (first.Shape[axis] != second.Shape[axis])
                return false;
        }

        return true;
    }

    // Shape tests that allocate nothing (a TensorShape to compare against would), so warmed-up operations make no garbage.
    public static bool HasShape(Tensor tensor, int d0, int d1, int d2) =>
        tensor.Rank == 3 && tensor.Shape[0] == d0 && tensor.Shape[1] == d1 && tensor.Shape[2] == d2;

    public static bool HasShape(Tensor tensor, int d0, int d1, int d2, int d3) =>
        tensor.Rank == 4 && tensor.Shape[0] == d0 && tensor.Shape[1] == d1 && tensor.Shape[2] == d2 && tensor.Shape[3] == d3;

    /// <summary>Whether <paramref name="suffix"/>'s shape equals the trailing axes of <paramref name="shape"/>.</summary>
    public static bool IsSuffix(TensorShape shape, TensorShape suffix)
    {
        if (suffix.Rank > shape.Rank)
            return false;
        for (var i = 1; i <= suffix.Rank; i++)
        {
            if (suffix[-i] != shape[-i])
                return false;
        }

        return true;
    }

    public static int Axis(string operation, Tensor tensor, int axis)
    {
        var resolved = axis < 0 ? axis + tensor.Rank : axis;
        if (resolved < 0 || resolved >= tensor.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{operation}: axis {axis} is outside tensor {tensor.Shape}");
        return resolved;
    }

    /// <summary>A row-wise operation: float32 input and output of the same shape.</summary>
    public static void RowWise(string op, Tensor input, Tensor output)
    {
        Float32(op, input);
        Float32(op, output);
        SameShape(op, input, output);
    }

    /// <summary>An elementwise operation whose second operand equals the first's shape or its trailing axes.</summary>
    public static void Broadcastable(string op, Tensor a, Tensor b, Tensor output)
    {
        RowWise(op, a, output);
        Float32(op, b);
        ShapeMismatchException.ThrowUnless(IsSuffix(a.Shape, b.Shape) && b.ElementCount > 0 || a.ElementCount == 0, op, a.Shape, b.Shape,
            "the second shape must equal the first or its trailing axes");
    }

    /// <summary>x [N, T, D] conditioned by a per-sample [N, D] (adaLN modulation, gates); returns (N, T, D).</summary>
    public static (int Samples, int Tokens, int Width) Conditioned(string op, Tensor x, Tensor perSample, Tensor output)
    {
        RowWise(op, x, output);
        Float32(op, perSample);
        ShapeMismatchException.ThrowUnless(x.Rank == 3 && perSample.Rank == 2 && x.Shape[0] == perSample.Shape[0] && x.Shape[2] == perSample.Shape[1],
            op, x.Shape, perSample.Shape, "expected x [N, T, D] and a per-sample [N, D]");
        return (x.Shape[0], x.Shape[1], x.Shape[2]);
    }

    /// <summary>Patchify: latent [N, C, H, W] with H and W divisible by p, output [N, H/p·W/p, C·p·p]; returns (N, C, H, W).</summary>
    public static (int N, int C, int H, int W) Patchify(string op, Tensor latent, int patchSize, Tensor output)
    {
        Float32(op, latent);
        Float32(op, output);
        Rank(op, latent, 4);
        int n = latent.Shape[0], c = latent.Shape[1], h = latent.Shape[2], w = latent.Shape[3];
        if (patchSize <= 0 || h % patchSize != 0 || w % patchSize != 0)
            throw new ArgumentException($"{op}: latent {latent.Shape} is not divisible into {patchSize}×{patchSize} patches");
        int tokens = h / patchSize * (w / patchSize), width = c * patchSize * patchSize;
        if (!HasShape(output, n, tokens, width))
            throw new ShapeMismatchException(op, new TensorShape(n, tokens, width), output.Shape, "output must be [N, T, C·p·p]");
        return (n, c, h, w);
    }

    /// <summary>MatMul: 2-D float32 a, b and output, op(a) [M, K] · op(b) [K, N] = output [M, N], bias [N] or null.</summary>
    public static (int M, int N, int K) MatMul(string op, Tensor a, Tensor b, Tensor output, Tensor? bias, bool transposeA, bool transposeB)
    {
        Float32(op, a);
        Float32(op, b);
        Float32(op, output);
        Rank(op, a, 2);
        Rank(op, b, 2);
        Rank(op, output, 2);
        int m = transposeA ? a.Shape[1] : a.Shape[0], k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0], n = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ShapeMismatchException(op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        if (output.Shape[0] != m || output.Shape[1] != n)
            throw new ShapeMismatchException(op, new TensorShape(m, n), output.Shape, "output must be [M, N]");
        Bias(op, bias, n);
        return (m, n, k);
    }

    /// <summary>Linear: input [..., K] · weightᵀ (weight [N, K]) = output [..., N], bias [N] or null; M is the input's rows.</summary>
    public static (int M, int N, int K) Linear(string op, Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        Float32(op, input);
        Float32(op, weight);
        Float32(op, output);
        Rank(op, weight, 2);
        ShapeMismatchException.ThrowUnless(input.Shape.Last == weight.Shape[1], op, input.Shape, weight.Shape, "input's last axis must equal the weight's in-features (axis 1)");
        if (!SameExceptLast(input, output) || output.Shape.Last != weight.Shape[0])
            throw new ShapeMismatchException(op, input.Shape.With(input.Rank - 1, weight.Shape[0]), output.Shape, "output must be the input's shape with out-features last");
        Bias(op, bias, weight.Shape[0]);
        return ((int)input.Shape.Rows, weight.Shape[0], weight.Shape[1]);
    }

    /// <summary>BatchedMatMul: a [..., M, K] · b [..., K, N] (or bᵀ with b [..., N, K]) = output [..., M, N], equal
    /// leading axes; Batch is their product.</summary>
    public static (int Batch, int M, int N, int K) BatchedMatMul(string op, Tensor a, Tensor b, Tensor output, bool transposeB)
    {
        Float32(op, a);
        Float32(op, b);
        Float32(op, output);
        ShapeMismatchException.ThrowUnless(a.Rank >= 2 && a.Rank == b.Rank && a.Rank == output.Rank, op, a.Shape, b.Shape, "ranks must be equal and at least 2");
        var r = a.Rank;
        for (var axis = 0; axis < r - 2; axis++)
            Dimension(op, a, axis, b, axis);
        int m = a.Shape[r - 2], k = a.Shape[r - 1];
        int kb = transposeB ? b.Shape[r - 1] : b.Shape[r - 2], n = transposeB ? b.Shape[r - 2] : b.Shape[r - 1];
        if (k != kb)
            throw new ShapeMismatchException(op, a.Shape, b.Shape, $"inner dimensions {k} and {kb} must agree");
        if (!SameExceptLast(a, output) || output.Shape.Last != n)
            throw new ShapeMismatchException(op, a.Shape.With(r - 1, n), output.Shape, "output must be [..., M, N]");
        return ((int)a.Shape.Product(0, r - 2), m, n, k);
    }

    /// <summary>A bias [N] or none.</summary>
    public static void Bias(string op, Tensor? bias, int n)
    {
        if (bias is null)
            return;
        Float32(op, bias);
        if (bias.Rank != 1 || bias.Shape[0] != n)
            throw new ShapeMismatchException(op, bias.Shape, new TensorShape(n), "bias must be [N]");
    }

    /// <summary>Unpatchify: tokens [N, H/p·W/p, p·p·C] into output [N, C, H, W] with H and W divisible by p; returns (N, C, H, W).</summary>
    public static (int N, int C, int H, int W) Unpatchify(string op, Tensor tokens, int patchSize, Tensor output)
    {
        Float32(op, tokens);
        Float32(op, output);
        Rank(op, tokens, 3);
        Rank(op, output, 4);
        int n = output.Shape[0], c = output.Shape[1], h = output.Shape[2], w = output.Shape[3];
        var valid = patchSize > 0 && h % patchSize == 0 && w % patchSize == 0
            && HasShape(tokens, n, h / patchSize * (w / patchSize), patchSize * patchSize * c);
        if (!valid)
            throw new ShapeMismatchException(op, tokens.Shape, output.Shape, $"tokens must be [N, (H/{patchSize})·(W/{patchSize}), {patchSize}·{patchSize}·C] for an output [N, C, H, W]");
        return (n, c, h, w);
    }
}
