using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// The backend's NaN/±∞ count, which first scans for any non-finite value (four 16-lane accumulators, a 16-lane loop,
/// a scalar tail, and above 4 M floats 16,384-float blocks on all workers) and counts only when it finds one: a single NaN, +∞ or −∞ at
/// every position of every length up to 200 (each unrolled block, lane tail and scalar tail), and around the block
/// boundaries of a tensor split over the workers, must be counted as exactly one; finite extremes as none.
/// </summary>
public sealed class FiniteScanTests
{
    private static readonly float[] Extremes = [float.MaxValue, -float.MaxValue, float.Epsilon, -0f, 1e-40f];

    [Fact]
    public void One_non_finite_value_is_found_at_every_position_of_every_short_length()
    {
        for (var length = 0; length <= 200; length++)
        {
            using var tensor = Tensor.Empty(length);
            var values = tensor.AsSpan<float>();
            for (var i = 0; i < length; i++)
                values[i] = Extremes[i % Extremes.Length];
            Assert.Equal(0, CpuBackend.Instance.CountNonFinite(tensor));
            foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                for (var position = 0; position < length; position++)
                {
                    var kept = values[position];
                    values[position] = bad;
                    Assert.True(CpuBackend.Instance.CountNonFinite(tensor) == 1, $"length {length}: {bad} at {position}");
                    values[position] = kept;
                }
            }
        }
    }

    [Fact]
    public void One_non_finite_value_is_found_around_every_block_boundary_of_a_split_tensor()
    {
        const int block = 1 << 14;
        const int length = 300 * block + 37;
        using var tensor = Tensor.Empty(length);
        var values = tensor.AsSpan<float>();
        for (var i = 0; i < length; i++)
            values[i] = Extremes[i % Extremes.Length];
        Assert.Equal(0, CpuBackend.Instance.CountNonFinite(tensor));
        for (var b = 0; b <= 300; b += 13)
        {
            foreach (var offset in new[] { -1, 0, 1, 36 })
            {
                var position = b * block + offset;
                if (position < 0 || position >= length)
                    continue;
                var kept = values[position];
                values[position] = float.NaN;
                Assert.True(CpuBackend.Instance.CountNonFinite(tensor) == 1, $"NaN at {position}");
                values[position] = kept;
            }
        }
    }
}
