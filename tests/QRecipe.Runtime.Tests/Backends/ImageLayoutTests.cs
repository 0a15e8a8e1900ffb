using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Nearest 2× upsampling and the last-two-axes transpose only move values, so they must match an index
/// formula exactly, for every width around the vector length and tile size.</summary>
public sealed class ImageLayoutTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 2, 1, 9)]
    [InlineData(1, 1, 6, 3)]
    [InlineData(2, 4, 8, 8)]
    [InlineData(1, 3, 17, 33)]
    public void UpsampleNearest2x_repeats_every_value_in_a_2x2_square(int n, int c, int h, int w)
    {
        using var x = TestData.Uniform(h * 31 + w, 1e30f, n, c, h, w);
        using var y = Tensor.Empty(n, c, 2 * h, 2 * w);
        Backend.UpsampleNearest2x(x, y);
        var input = x.ToArray<float>();
        var output = y.ToArray<float>();
        for (var plane = 0; plane < n * c; plane++)
            for (var r = 0; r < 2 * h; r++)
                for (var col = 0; col < 2 * w; col++)
                    Assert.Equal(input[(plane * h + r / 2) * w + col / 2], output[(plane * 2 * h + r) * 2 * w + col]);
    }

    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 3, 7 })]
    [InlineData(new[] { 32, 32 })]
    [InlineData(new[] { 2, 33, 65 })]
    [InlineData(new[] { 2, 1, 70 })]
    [InlineData(new[] { 2, 3, 64, 31 })]
    public void TransposeLastTwo_swaps_the_last_two_indices(int[] shape)
    {
        using var x = TestData.Uniform(shape.Length, 1f, shape);
        var r = shape.Length;
        int rows = shape[r - 2], columns = shape[r - 1];
        var swapped = (int[])shape.Clone();
        (swapped[r - 2], swapped[r - 1]) = (columns, rows);
        using var y = Tensor.Empty(new TensorShape(swapped));
        Backend.TransposeLastTwo(x, y);
        var input = x.ToArray<float>();
        var output = y.ToArray<float>();
        var batch = input.Length / (rows * columns);
        for (var b = 0; b < batch; b++)
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < columns; j++)
                    Assert.Equal(input[(b * rows + i) * columns + j], output[(b * columns + j) * rows + i]);

        // Transposing twice restores the input.
        using var back = Tensor.Empty(new TensorShape(shape));
        Backend.TransposeLastTwo(y, back);
        Assert.Equal(input, back.ToArray<float>());
    }

    [Fact]
    public void Mismatched_shapes_name_both_shapes()
    {
        using var x = Tensor.Empty(1, 2, 3, 4);
        using var wrong = Tensor.Empty(1, 2, 6, 7);
        var upsample = Assert.Throws<ShapeMismatchException>(() => Backend.UpsampleNearest2x(x, wrong));
        Assert.Equal("UpsampleNearest2x: shapes [1, 2, 6, 8] and [1, 2, 6, 7] do not match (output must be [N, C, 2H, 2W])", upsample.Message);
        var transpose = Assert.Throws<ShapeMismatchException>(() => Backend.TransposeLastTwo(x, x));
        Assert.Equal("TransposeLastTwo: shapes [1, 2, 4, 3] and [1, 2, 3, 4] do not match (output must be the input with its last two axes swapped)", transpose.Message);
        using var square = Tensor.Empty(2, 5, 5);
        var inPlace = Assert.Throws<ArgumentException>(() => Backend.TransposeLastTwo(square, square));
        Assert.Equal("TransposeLastTwo: the output must not be the input", inPlace.Message);
        using var vector = Tensor.Empty(4);
        var rank = Assert.Throws<ArgumentException>(() => Backend.TransposeLastTwo(vector, vector));
        Assert.Equal("TransposeLastTwo: input [4] needs at least two axes", rank.Message);
    }
}
