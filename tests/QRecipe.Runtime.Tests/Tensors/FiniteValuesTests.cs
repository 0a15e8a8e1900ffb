using System;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Tensors;

/// <summary>The vectorised count of NaN/±∞ against the planted number, at every length around the vector widths (so
/// the scalar tail runs with every remainder), with the finite values nearest to ∞ and 0 beside them.</summary>
public sealed class FiniteValuesTests
{
    private static readonly float[] Finite = [float.MaxValue, -float.MaxValue, float.Epsilon, -0f, 1e-40f, 3.4e38f];

    [Fact]
    public void Counts_exactly_the_planted_values_at_every_length_and_position()
    {
        for (var length = 0; length <= 70; length++)
        {
            var values = new float[length];
            for (var i = 0; i < length; i++)
                values[i] = Finite[i % Finite.Length];
            Assert.Equal(0, FiniteValues.CountNonFinite(values));
            Assert.Equal(-1, FiniteValues.FirstNonFinite(values));
            for (var at = 0; at < length; at++)
            {
                var planted = (float[])values.Clone();
                planted[at] = (at % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                planted[length - 1] = float.NaN;
                var expected = at == length - 1 ? 1 : 2;
                Assert.Equal(expected, FiniteValues.CountNonFinite(planted));
                Assert.Equal(at, FiniteValues.FirstNonFinite(planted));
            }
        }
    }

    [Fact]
    public void A_large_tensor_counts_through_the_backend()
    {
        // More than the 2^20 vectors after which the lane counters are folded into the total.
        var values = new float[(1 << 23) + 13];
        values.AsSpan().Fill(-float.MaxValue);
        var nans = new[] { 0, 5, 1 << 22, (1 << 23) + 12 };
        foreach (var i in nans)
            values[i] = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0001)); // a negative NaN with payload
        using var tensor = Tensor.From(values, values.Length);
        Assert.Equal(nans.Length, CpuBackend.Instance.CountNonFinite(tensor));
    }

    [Theory]
    [InlineData(0, new[] { 4 }, "[0]")]
    [InlineData(3 * 32 + 5, new[] { 32, 32 }, "[3, 5]")]
    [InlineData(1 * 12 + 2 * 4 + 3, new[] { 2, 3, 4 }, "[1, 2, 3]")]
    public void Positions_are_row_major_indices(long index, int[] shape, string expected) => Assert.Equal(expected, FiniteValues.Position(index, shape));

    [Fact]
    public void Values_are_described_by_kind() =>
        Assert.Equal(["NaN", "+Inf", "-Inf"], new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }.Select(FiniteValues.Describe));
}
