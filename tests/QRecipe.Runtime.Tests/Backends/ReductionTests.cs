using System;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Abs-max is exact; mean and variance are compared with float64 at 1e-6 relative (float32 row sums
/// accumulated in double); random normal is checked against the documented Philox stream.</summary>
public sealed class ReductionTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(33, 1155)]
    public void Abs_max_per_row_column_and_tensor_are_exact(int rows, int columns)
    {
        using var x = TestData.Uniform(rows * columns, 50f, rows, columns);
        using var perRow = Tensor.Empty(rows);
        using var perColumn = Tensor.Empty(columns);
        CpuBackend.Instance.AbsMaxPerRow(x, perRow);
        CpuBackend.Instance.AbsMaxPerColumn(x, perColumn);
        var v = x.ToArray<float>();
        var expectedRows = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns).Max(c => Math.Abs(v[r * columns + c]))).ToArray();
        var expectedColumns = Enumerable.Range(0, columns).Select(c => Enumerable.Range(0, rows).Max(r => Math.Abs(v[r * columns + c]))).ToArray();
        Assert.Equal(expectedRows, perRow.ToArray<float>());
        Assert.Equal(expectedColumns, perColumn.ToArray<float>());
        Assert.Equal(v.Max(Math.Abs), CpuBackend.Instance.AbsMax(x));
    }

    [Fact]
    public void Abs_max_outputs_of_the_wrong_length_are_refused()
    {
        using var x = Tensor.Empty(3, 4);
        using var four = Tensor.Empty(4);
        using var three = Tensor.Empty(3);
        var perRow = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.AbsMaxPerRow(x, four));
        Assert.Equal("AbsMaxPerRow: shapes [3, 4] and [4] do not match (output must be [rows])", perRow.Message);
        var perColumn = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.AbsMaxPerColumn(x, three));
        Assert.Equal("AbsMaxPerColumn: shapes [3, 4] and [3] do not match (output must be [columns])", perColumn.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1000f)]
    public void Mean_and_variance_match_float64(float offset)
    {
        using var x = TestData.Uniform(4, 3f, 17, 1001);
        var span = x.AsSpan<float>();
        for (var i = 0; i < span.Length; i++)
            span[i] += offset;
        var values = TestData.ToDouble(x);
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        Assert.Equal(mean, CpuBackend.Instance.Mean(x), Math.Abs(mean) * 1e-6 + 1e-7);
        Assert.Equal(variance, CpuBackend.Instance.Variance(x), variance * 1e-5);
    }

    [Fact]
    public void Random_normal_is_the_documented_philox_stream()
    {
        using var x = Tensor.Empty(3, 1001);
        CpuBackend.Instance.RandomNormal(x, seed: 42, stream: 7, mean: 1f, std: 2f);
        var generator = new PhiloxRandom(42, 7);
        var values = x.ToArray<float>();
        for (var i = 0; i < 10; i++)
            Assert.Equal((float)(1 + 2 * generator.NextNormal()), values[i]);

        using var again = Tensor.Empty(3, 1001);
        CpuBackend.Instance.RandomNormal(again, seed: 42, stream: 7, mean: 1f, std: 2f);
        Assert.Equal(values, again.ToArray<float>());

        // 3003 samples of N(1, 4): the sample mean is within 4 standard errors (4·2/sqrt(3003) ≈ 0.15) of 1.
        Assert.InRange(CpuBackend.Instance.Mean(x), 0.85f, 1.15f);
        Assert.InRange(CpuBackend.Instance.Variance(x), 3.5f, 4.5f);
    }
}
