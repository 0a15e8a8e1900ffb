using System;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Tests.Quantization;

/// <summary>Dynamic activation fake-quant of tensors large enough to run on the CPU workers (512 × 256 values): the
/// same values as the scalar grid of each group, in place or into another array, and the first non-finite value in row-major order is reported.</summary>
public sealed class ParallelFakeQuantTests
{
    private const int Rows = 512, Cols = 256;

    [Theory]
    [InlineData(Granularity.PerToken, 0, true)]
    [InlineData(Granularity.Group, 64, false)]
    [InlineData(Granularity.PerTensor, 0, false)]
    public void Every_group_gets_its_own_scalar_grid(Granularity granularity, int groupSize, bool symmetric)
    {
        var x = new float[Rows * Cols];
        PhiloxRandom.FillNormal(x, 90);
        var expected = (float[])x.Clone();
        var length = granularity switch { Granularity.PerToken => Cols, Granularity.Group => groupSize, _ => x.Length };
        for (var start = 0; start < x.Length; start += length)
        {
            var group = expected.AsSpan(start, length);
            float min = float.MaxValue, max = float.MinValue;
            foreach (var v in group)
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
            var grid = UniformGrid.QDit(min, max, 8, symmetric);
            for (var i = 0; i < group.Length; i++) group[i] = grid.FakeQuantize(group[i]);
        }
        var source = (float[])x.Clone();
        var destination = new float[x.Length];
        var setting = new ActivationQuant(8, granularity, groupSize, symmetric, false);
        ActivationQuantizer.FakeQuantize(source, destination, Rows, Cols, setting, null, "l");
        ActivationQuantizer.FakeQuantize(x, Rows, Cols, setting, null, "l");
        Assert.Equal(expected, x);
        Assert.Equal(expected, destination);
        Assert.NotEqual(expected, source); // the two-span form leaves its input alone
    }

    [Fact]
    public void The_first_non_finite_value_is_named()
    {
        var x = new float[Rows * Cols];
        PhiloxRandom.FillNormal(x, 91);
        x[400 * Cols + 1] = float.PositiveInfinity;
        x[300 * Cols + 7] = float.NaN;
        var error = Assert.Throws<QuantizationException>(() =>
            ActivationQuantizer.FakeQuantize(x, Rows, Cols, new ActivationQuant(8, Granularity.PerToken, 0, true, false), null, "blocks.2.mlp.fc2 step 7"));
        Assert.Equal("blocks.2.mlp.fc2 step 7: activation [300, 7] is NaN", error.Message);
    }
}
