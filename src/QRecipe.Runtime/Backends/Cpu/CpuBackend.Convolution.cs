using System;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Convolutional image operations: convolution, group norm, upsampling and the feature-map/token transpose
/// (the SD-VAE decoder, docs/vae.md).</summary>
public sealed unsafe partial class CpuBackend
{
    public void Conv2d(Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        const string op = nameof(Conv2d);
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, weight);
        TensorChecks.Float32(op, output);
        TensorChecks.Rank(op, input, 4);
        TensorChecks.Rank(op, weight, 4);
        int n = input.Shape[0], cin = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        int cout = weight.Shape[0], k = weight.Shape[2];
        var square = weight.Shape[3] == k && k % 2 == 1;
        ShapeMismatchException.ThrowUnless(square && weight.Shape[1] == cin, op, input.Shape, weight.Shape, "weight must be [Cout, Cin, k, k] with k odd and Cin the input's axis 1");
        if (!Is(output, n, cout, h, w))
            throw new ShapeMismatchException(op, new TensorShape(n, cout, h, w), output.Shape, "output must be [N, Cout, H, W]");
        TensorChecks.Bias(op, bias, cout);
        if (input.Address == output.Address)
            throw new ArgumentException($"{op}: the output must not be the input");
        Convolution.Conv2d(input.Float32Pointer, weight.Float32Pointer, bias is null ? null : bias.Float32Pointer, output.Float32Pointer, n, cin, cout, h, w, k);
    }

    public void GroupNorm(Tensor input, int groups, Tensor weight, Tensor bias, Tensor output, float epsilon = 1e-6f)
    {
        const string op = nameof(GroupNorm);
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, weight);
        TensorChecks.Float32(op, bias);
        TensorChecks.Float32(op, output);
        TensorChecks.SameShape(op, input, output);
        if (input.Rank < 2)
            throw new ArgumentException($"{op}: input {input.Shape} must be [N, C, ...]");
        var channels = input.Shape[1];
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"{op}: {channels} channels do not split into {groups} groups");
        if (weight.Rank != 1 || weight.Shape[0] != channels || bias.Rank != 1 || bias.Shape[0] != channels)
            throw new ShapeMismatchException(op, weight.Shape, bias.Shape, $"weight and bias must be [{channels}]");
        var positions = (int)input.Shape.Product(2, input.Rank);
        Ops.GroupNorm.Normalize(input.Float32Pointer, weight.Float32Pointer, bias.Float32Pointer, output.Float32Pointer, input.Shape[0], channels, positions, groups, epsilon);
    }

    public void UpsampleNearest2x(Tensor input, Tensor output)
    {
        const string op = nameof(UpsampleNearest2x);
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, output);
        TensorChecks.Rank(op, input, 4);
        if (!Is(output, input.Shape[0], input.Shape[1], 2 * input.Shape[2], 2 * input.Shape[3]))
            throw new ShapeMismatchException(op, new TensorShape(input.Shape[0], input.Shape[1], 2 * input.Shape[2], 2 * input.Shape[3]), output.Shape, "output must be [N, C, 2H, 2W]");
        Upsampling.Nearest2x(input.Float32Pointer, output.Float32Pointer, (int)input.Shape.Product(0, 3), input.Shape[3]);
    }

    public void TransposeLastTwo(Tensor input, Tensor output)
    {
        const string op = nameof(TransposeLastTwo);
        TensorChecks.Float32(op, input);
        TensorChecks.Float32(op, output);
        var r = input.Rank;
        if (r < 2)
            throw new ArgumentException($"{op}: input {input.Shape} needs at least two axes");
        if (output.Rank != r || !SameLeading(input, output, r - 2) || output.Shape[r - 2] != input.Shape[r - 1] || output.Shape[r - 1] != input.Shape[r - 2])
            throw new ShapeMismatchException(op, input.Shape.With(r - 2, input.Shape[r - 1]).With(r - 1, input.Shape[r - 2]), output.Shape, "output must be the input with its last two axes swapped");
        if (input.Address == output.Address)
            throw new ArgumentException($"{op}: the output must not be the input");
        Transposition.LastTwo(input.Float32Pointer, output.Float32Pointer, (int)input.Shape.Product(0, r - 2), input.Shape[r - 2], input.Shape[r - 1]);
    }

    // Shape checks that allocate nothing unless they fail, so a warmed-up decode makes no garbage.
    private static bool Is(Tensor tensor, int n, int c, int h, int w) =>
        tensor.Rank == 4 && tensor.Shape[0] == n && tensor.Shape[1] == c && tensor.Shape[2] == h && tensor.Shape[3] == w;

    private static bool SameLeading(Tensor first, Tensor second, int axes)
    {
        for (var axis = 0; axis < axes; axis++)
        {
            if (first.Shape[axis] != second.Shape[axis])
                return false;
        }

        return true;
    }
}
