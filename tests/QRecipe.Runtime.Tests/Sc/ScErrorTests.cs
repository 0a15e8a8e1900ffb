using System;
using QRecipe.Plan;
using QRecipe.Runtime.Sc;

namespace QRecipe.Runtime.Tests.Sc;

public class ScErrorTests
{
    private static readonly float[] Two = [1, 2];

    [Fact]
    public void StreamLongerThanTheSequenceIsRejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Stream = 257 }));
        Assert.Contains("257", error.Message);
        Assert.Contains("256", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void PrecisionOutside1To15IsRejected(int p)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Precision = p }));
        Assert.Contains("1..15", error.Message);
        Assert.Contains(p.ToString(), error.Message);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, [1, 2, 3], 1, 2, new ScOptions()));
        Assert.Contains("operand b has 3 elements", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteInputsAreRejected(float bad)
    {
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply([1, bad], 1, Two, 1, 2, new ScOptions()));
        Assert.Contains("index 1", error.Message);
    }

    /// <summary>Long operands are scanned a vector at a time: the first bad element is still the one named.</summary>
    [Theory]
    [InlineData(float.NaN, 37)]
    [InlineData(float.NegativeInfinity, 64)]
    [InlineData(float.PositiveInfinity, 99)]
    public void TheFirstNonFiniteElementOfALongOperandIsNamed(float bad, int index)
    {
        var b = new float[100];
        b[index] = bad;
        if (index < 99)
            b[99] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(new float[100], 4, b, 4, 25, new ScOptions()));
        Assert.Contains($"operand b has a non-finite value {bad} at flat index {index}", error.Message);
    }

    [Fact]
    public void InvalidCombinationsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Chunk = 1, Mode = ScMode.Unipolar }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Granularity = ScGranularity.PerHead }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Kernel = ScKernel.Xnor, Mode = ScMode.Unipolar }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions { Kernel = ScKernel.Xnor, Halve = true }));
        Assert.Throws<ArgumentException>(() => ScMatmul.Multiply(Two, 1, Two, 1, 2, new ScOptions(), [1f, -1f]));
        Assert.Throws<NotSupportedException>(() => ScMatmul.MultiplyBatched(new float[8], new float[8], 1, 4, 4, 2, new ScOptions { GroupA = 2 }));
    }
}
