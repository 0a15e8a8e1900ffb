using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// GroupNorm against a float64 reference (two-pass mean and biased variance per image and group). Bounds: 1e-5·|y| +
/// 1e-5 (float32 affine of a normalised value; sums are accumulated in double); with an offset of 1e3 on unit-range
/// data the float32 input itself carries only ~1e3·u ≈ 6e-5 of the deviation, so the floor is 1e-3 there.
/// </summary>
public sealed class GroupNormTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    [Theory]
    [InlineData(new[] { 2, 6, 5, 7 }, 3, 1f, 0f, 1e-6f)]      // odd map, 2 channels per group
    [InlineData(new[] { 2, 8, 33 }, 2, 1f, 0f, 1e-6f)]        // rank 3
    [InlineData(new[] { 3, 10 }, 5, 1f, 0f, 1e-6f)]           // rank 2: one position per channel
    [InlineData(new[] { 1, 32, 40, 41 }, 32, 1f, 0f, 1e-6f)]  // SD-VAE's 32 groups; blocks span several float runs
    [InlineData(new[] { 1, 16, 64, 64 }, 4, 2f, 0f, 1e-6f)]   // 16 384 values per block
    [InlineData(new[] { 2, 6, 9, 9 }, 6, 1e-2f, 0f, 1e-2f)]   // epsilon comparable to the variance
    [InlineData(new[] { 1, 8, 7, 5 }, 4, 1e4f, 0f, 1e-6f)]    // large values
    [InlineData(new[] { 1, 8, 31, 33 }, 2, 1e30f, 0f, 1e-6f)] // squares overflow float32: no NaN, no infinity
    [InlineData(new[] { 2, 4, 6, 6 }, 2, 1f, 1e3f, 1e-6f)]    // large mean
    public void GroupNorm_matches_the_float64_reference(int[] shape, int groups, float range, float offset, float epsilon)
    {
        using var x = TestData.Uniform(shape.Length + groups, range, shape);
        var span = x.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] += offset;
        var channels = shape[1];
        using var gamma = TestData.Uniform(5, 2f, channels);
        using var beta = TestData.Uniform(6, 1f, channels);
        using var y = Tensor.Empty(new TensorShape(shape));
        Backend.GroupNorm(x, groups, gamma, beta, y, epsilon);

        var expected = Reference(TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta), shape, groups, epsilon);
        foreach (var v in y.AsSpan<float>())
            Assert.True(float.IsFinite(v), $"non-finite output {v}");
        TestData.AssertClose(expected, y.AsSpan<float>(), 1e-5, offset > 0 ? 1e-3 : 1e-5, $"groupnorm [{string.Join(", ", shape)}] groups {groups} range {range}");
    }

    [Fact]
    public void A_constant_group_becomes_its_bias_and_in_place_equals_out_of_place()
    {
        using var constant = Tensor.From(new float[] { 3, 3, -1, -1, 7, 7, 7, 7 }, 1, 4, 2);
        using var gamma = Tensor.From(new float[] { 2, 2, 2, 2 }, 4);
        using var beta = Tensor.From(new float[] { 0.5f, -0.5f, 1, 2 }, 4);
        using var y = Tensor.Empty(1, 4, 2);
        Backend.GroupNorm(constant, 4, gamma, beta, y);
        Assert.Equal(new float[] { 0.5f, 0.5f, -0.5f, -0.5f, 1, 1, 2, 2 }, y.ToArray<float>());

        using var x = TestData.Uniform(9, 3f, 2, 4, 5, 3);
        using var separate = Tensor.Empty(2, 4, 5, 3);
        Backend.GroupNorm(x, 2, gamma, beta, separate);
        Backend.GroupNorm(x, 2, gamma, beta, x);
        Assert.Equal(separate.ToArray<float>(), x.ToArray<float>());
    }

    [Fact]
    public void Mismatched_shapes_and_groups_are_named()
    {
        using var x = Tensor.Empty(2, 6, 3, 3);
        using var y = Tensor.Empty(2, 6, 3, 4);
        using var affine = Tensor.Empty(6);
        using var short4 = Tensor.Empty(4);
        var output = Assert.Throws<ShapeMismatchException>(() => Backend.GroupNorm(x, 3, affine, affine, y));
        Assert.Equal("GroupNorm: shapes [2, 6, 3, 3] and [2, 6, 3, 4] do not match (shapes must be equal)", output.Message);
        var weight = Assert.Throws<ShapeMismatchException>(() => Backend.GroupNorm(x, 3, short4, affine, x));
        Assert.Contains("[4] and [6]", weight.Message);
        Assert.Contains("must be [6]", weight.Message);
        var groups = Assert.Throws<ArgumentException>(() => Backend.GroupNorm(x, 4, affine, affine, x));
        Assert.Equal("GroupNorm: 6 channels do not split into 4 groups", groups.Message);
        using var vector = Tensor.Empty(6);
        var rank = Assert.Throws<ArgumentException>(() => Backend.GroupNorm(vector, 3, affine, affine, vector));
        Assert.Equal("GroupNorm: input [6] must be [N, C, ...]", rank.Message);
    }

    private static double[] Reference(double[] x, double[] gamma, double[] beta, int[] shape, int groups, double epsilon)
    {
        int n = shape[0], channels = shape[1], perGroup = channels / groups;
        var positions = 1;
        for (var axis = 2; axis < shape.Length; axis++)
            positions *= shape[axis];
        var y = new double[x.Length];
        var size = perGroup * positions;
        for (var block = 0; block < n * groups; block++)
        {
            var values = x.AsSpan(block * size, size);
            double mean = 0, variance = 0;
            foreach (var v in values)
                mean += v;
            mean /= size;
            foreach (var v in values)
                variance += (v - mean) * (v - mean);
            variance /= size;
            var sigma = Math.Sqrt(variance + epsilon);
            for (var i = 0; i < size; i++)
            {
                var c = block % groups * perGroup + i / positions;
                y[block * size + i] = (values[i] - mean) / sigma * gamma[c] + beta[c];
            }
        }
        return y;
    }
}
