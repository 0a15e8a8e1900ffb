using System;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Tests.Sc;

public class ScErrorTests
{
    private static readonly float[] Two = [1, 2];

    [Fact]
    public void Stream_longer_than_the_sequence_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Stream = 257 }));
        Assert.Contains("257", error.Message);
        Assert.Contains("256", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Precision_outside_1_to_15_is_rejected(int p)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Precision = p }));
        Assert.Contains("1..15", error.Message);
        Assert.Contains(p.ToString(), error.Message);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, [1, 2, 3], 1, 2, new ScOptions()));
        Assert.Contains("operand b has 3 elements", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_inputs_are_rejected(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply([1, bad], 1, Two, 1, 2, new ScOptions()));
        Assert.Contains("index 1", error.Message);
    }

    /// <summary>Long operands are scanned a vector at a time: the first bad element is still the one named.</summary>
    [Theory]
    [InlineData(float.NaN, 37)]
    [InlineData(float.NegativeInfinity, 64)]
    [InlineData(float.PositiveInfinity, 99)]
    public void The_first_non_finite_element_of_a_long_operand_is_named(float bad, int index)
    {
        var b = new float[100];
        b[index] = bad;
        if (index < 99)
            b[99] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(new float[100], 4, b, 4, 25, new ScOptions()));
        Assert.Contains($"operand b has a non-finite value {bad} at flat index {index}", error.Message);
    }

    [Fact]
    public void Invalid_combinations_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Chunk = 1, Mode = ScMode.Unipolar }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Granularity = ScGranularity.PerHead }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Kernel = ScKernel.Xnor, Mode = ScMode.Unipolar }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Kernel = ScKernel.Xnor, Halve = true }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions(), [1f, -1f]));
        Assert.Throws<NotSupportedException>(() => ScMatmul.MultiplyBatched(new float[8], new float[8], 1, 4, 4, 2, new ScOptions { GroupA = 2 }));
    }
}
