using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Tensors;

/// <summary>Seeded random test tensors and float64 comparison helpers.</summary>
internal static class TestData
{
    public static Tensor Uniform(int seed, float range, params int[] shape)
    {
        var random = new System.Random(seed);
        var tensor = Tensor.Empty(new TensorShape(shape));
        var span = tensor.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] = (float)((random.NextDouble() * 2 - 1) * range);
        return tensor;
    }

    public static double[] ToDouble(Tensor tensor) => Array.ConvertAll(tensor.ToArray<float>(), v => (double)v);

    /// <summary>Asserts |actual − expected| ≤ relative·|expected| + absolute elementwise, reporting the first failure.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= relative * Math.Abs(expected[i]) + absolute))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (error {error:E2}, bound {relative:E1}·|x| + {absolute:E1})");
        }
    }
}
