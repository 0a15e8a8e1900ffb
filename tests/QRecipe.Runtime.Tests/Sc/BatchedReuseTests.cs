using QRecipe.Plan;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Tests.Sc;

/// <summary>Batched calls, and 2-D calls that decode before they return, reuse their thread's codes (and entries)
/// between calls of the same shape; a call's result must not depend on what the previous call left there (unipolar
/// row sums are accumulated, so they must restart).</summary>
public class BatchedReuseTests
{
    [Theory]
    [InlineData(ScMode.Bipolar, ScGranularity.PerHead)]
    [InlineData(ScMode.Bipolar, ScGranularity.PerRow)]
    [InlineData(ScMode.Unipolar, ScGranularity.PerRow)]
    public void Repeated_calls_equal_the_first(ScMode mode, ScGranularity granularity)
    {
        const int Heads = 3, N = 40, M = 50, D = 24;
        var options = new ScOptions { Mode = mode, Granularity = granularity, Stream = 128 };
        var (q1, k1) = (ScOperands.Normal(Heads * N * D, 1), ScOperands.Normal(Heads * M * D, 2));
        var (q2, k2) = (ScOperands.Normal(Heads * N * D, 3), ScOperands.Normal(Heads * M * D, 4));
        var first = ScMatmul.MultiplyBatched(q1, k1, Heads, N, M, D, options);
        var other = ScMatmul.MultiplyBatched(q2, k2, Heads, N, M, D, options); // on q1's arrays
        Assert.Equal(first, ScMatmul.MultiplyBatched(q1, k1, Heads, N, M, D, options)); // on q2's arrays
        ScMatmul.MultiplyBatched(ScOperands.Normal(2 * 7 * D, 5), ScOperands.Normal(2 * 9 * D, 6), 2, 7, 9, D, options);
        Assert.Equal(other, ScMatmul.MultiplyBatched(q2, k2, Heads, N, M, D, options)); // on fresh arrays (the shape changed)
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(ScMode.Bipolar)]
    [InlineData(ScMode.Unipolar)]
    public void Repeated_calls_with_a_prepared_weight_equal_the_first(ScMode mode)
    {
        const int N = 40, M = 70, D = 24;
        var options = new ScOptions { Mode = mode, Stream = 128 };
        var weight = ScPreparedOperand.Prepare(ScOperands.Normal(M * D, 7), M, D, options);
        var (x1, x2) = (ScOperands.Normal(N * D, 8), ScOperands.Normal(N * D, 9));
        var first = ScMatmul.Multiply(x1, N, weight, options);
        var other = ScMatmul.Multiply(x2, N, weight, options); // on x1's codes
        Assert.Equal(first, ScMatmul.Multiply(x1, N, weight, options)); // on x2's codes
        Assert.Equal(other, ScMatmul.Multiply(x2, N, weight, options));
        Assert.NotEqual(first, other);
    }
}
