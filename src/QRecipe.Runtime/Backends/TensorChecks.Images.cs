using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Checks of the convolutional image operations (the SD-VAE decoder).</summary>
internal static partial class TensorChecks
{
    /// <summary>Conv2d: input [N, Cin, H, W], weight [Cout, Cin, k, k] with k odd, bias [Cout] or null, output
    /// [N, Cout, H, W] that is not the input; returns (N, Cin, Cout, H, W, k).</summary>
    public static (int N, int InChannels, int OutChannels, int H, int W, int Kernel) Conv2d(string op, Tensor input, Tensor weight, Tensor? bias, Tensor output)
    {
        Float32(op, input);
        Float32(op, weight);
        Float32(op, output);
        Rank(op, input, 4);
        Rank(op, weight, 4);
        int n = input.Shape[0], cin = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        int cout = weight.Shape[0], k = weight.Shape[2];
        var square = weight.Shape[3] == k && k % 2 == 1;
        ShapeMismatchException.ThrowUnless(square && weight.Shape[1] == cin, op, input.Shape, weight.Shape, "weight must be [Cout, Cin, k, k] with k odd and Cin the input's axis 1");
        if (!HasShape(output, n, cout, h, w))
            throw new ShapeMismatchException(op, new TensorShape(n, cout, h, w), output.Shape, "output must be [N, Cout, H, W]");
        Bias(op, bias, cout);
        NotInPlace(op, input, output);
        return (n, cin, cout, h, w, k);
    }

    /// <summary>GroupNorm: input and output [N, C, ...] of one shape, C split into whole groups, weight and bias [C];
    /// returns (N, C, positions per channel).</summary>
    public static (int N, int Channels, int Positions) GroupNorm(string op, Tensor input, int groups, Tensor weight, Tensor bias, Tensor output)
    {
        Float32(op, input);
        Float32(op, weight);
        Float32(op, bias);
        Float32(op, output);
        SameShape(op, input, output);
        if (input.Rank < 2)
            throw new ArgumentException($"{op}: input {input.Shape} must be [N, C, ...]");
        var channels = input.Shape[1];
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"{op}: {channels} channels do not split into {groups} groups");
        if (weight.Rank != 1 || weight.Shape[0] != channels || bias.Rank != 1 || bias.Shape[0] != channels)
            throw new ShapeMismatchException(op, weight.Shape, bias.Shape, $"weight and bias must be [{channels}]");
        return (input.Shape[0], channels, (int)input.Shape.Product(2, input.Rank));
    }

    /// <summary>UpsampleNearest2x: input [N, C, H, W] into output [N, C, 2H, 2W]; returns (N·C, H, W).</summary>
    public static (int Planes, int H, int W) UpsampleNearest2x(string op, Tensor input, Tensor output)
    {
        Float32(op, input);
        Float32(op, output);
        Rank(op, input, 4);
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        if (!HasShape(output, n, c, 2 * h, 2 * w))
            throw new ShapeMismatchException(op, new TensorShape(n, c, 2 * h, 2 * w), output.Shape, "output must be [N, C, 2H, 2W]");
        return (n * c, h, w);
    }

    /// <summary>TransposeLastTwo: input [..., R, C] into a separate output [..., C, R]; returns (product of the leading
    /// axes, R, C).</summary>
    public static (int Batch, int Rows, int Columns) TransposeLastTwo(string op, Tensor input, Tensor output)
    {
        Float32(op, input);
        Float32(op, output);
        var r = input.Rank;
        if (r < 2)
            throw new ArgumentException($"{op}: input {input.Shape} needs at least two axes");
        int rows = input.Shape[r - 2], columns = input.Shape[r - 1];
        if (output.Rank != r || !SameLeading(input, output, r - 2) || output.Shape[r - 2] != columns || output.Shape[r - 1] != rows)
            throw new ShapeMismatchException(op, input.Shape.With(r - 2, columns).With(r - 1, rows), output.Shape, "output must be the input with its last two axes swapped");
        NotInPlace(op, input, output);
        return ((int)input.Shape.Product(0, r - 2), rows, columns);
    }

    private static void NotInPlace(string op, Tensor input, Tensor output)
    {
        if (input.StartsAt(output))
            throw new ArgumentException($"{op}: the output must not be the input");
    }
}
