using QRecipe.Plan;
using QRecipe.Runtime.Execution;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>The run's memory estimate against numbers worked out by hand.</summary>
public sealed class RunMemoryEstimateTests
{
    [Fact]
    public void Parameters_of_dit_xl_2_are_the_published_count()
    {
        // DiT's own script prints "DiT Parameters: 675,129,632" for DiT-XL/2 at 256x256 (position table included).
        var xl = new ModelSpec("dit-xl/2", Depth: 28, Hidden: 1152, Heads: 16, PatchSize: 2, LatentSize: 32, NumClasses: 1000);
        var estimate = RunMemoryEstimate.For(xl, 1, compareFloat: false);
        Assert.Equal(675_129_632d, estimate.Parameters);
        Assert.Equal(4 * 675_129_632d, estimate.WeightBytes);
        // --compare-fp keeps the float weights beside the quantized copies.
        Assert.Equal(2 * 4 * 675_129_632d, RunMemoryEstimate.For(xl, 1, compareFloat: true).WeightBytes);
    }

    [Fact]
    public void Activations_and_latents_of_a_tiny_model()
    {
        var tiny = new ModelSpec("custom", Depth: 2, Hidden: 32, Heads: 2, PatchSize: 2, LatentSize: 8, NumClasses: 10);
        // 16 tokens, 6 guided rows: 6 x (16 x 10 x 32 + 2 x 16 x 16) floats = 6 x 5632 x 4 bytes; latents 4 x 3 x 4 x 8 x 8 x 4 bytes.
        var plain = RunMemoryEstimate.For(tiny, 3, compareFloat: false);
        Assert.Equal(135_168d, plain.ActivationBytes);
        Assert.Equal(12_288d, plain.LatentBytes);
        var compared = RunMemoryEstimate.For(tiny, 3, compareFloat: true);
        Assert.Equal(270_336d, compared.ActivationBytes);
        Assert.Equal(18_432d, compared.LatentBytes);
        Assert.Equal(2 * plain.WeightBytes + 270_336d + 18_432d, compared.TotalBytes);
    }

    [Fact]
    public void The_largest_sample_count_does_not_overflow()
    {
        var xl = new ModelSpec("dit-xl/2", Depth: 28, Hidden: 1152, Heads: 16, PatchSize: 2, LatentSize: 32, NumClasses: 1000);
        var estimate = RunMemoryEstimate.For(xl, int.MaxValue, compareFloat: false);
        // 2^32 rows x (256 x 11520 + 16 x 65536) floats x 4 bytes.
        Assert.Equal(4294967294d * (256 * 11520 + 16 * 65536) * 4, estimate.ActivationBytes);
    }
}
