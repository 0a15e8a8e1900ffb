using QRecipe.Plan;

namespace QRecipe.Language.Tests;

/// <summary>Bit operations per image against hand-computed values for the bundled model (hidden 128, 4 heads of 32,
/// 49 tokens of patch 4, one input channel, learned sigma, 6 blocks). MACs per forward: block linear layers 9732096,
/// qk and av 307328 each (614656), per block 10346752; embed 49·16·128 = 100352 and final 49·128·32 = 200704. The
/// recipes sample 10 steps at CFG 4, so an image takes 20 forward passes.</summary>
public sealed class PlanBopsTests
{
    private const string Header = "recipe T\nmodel fmnist-dit/4 image 28\nsampler ddim steps 10 cfg 4\n";
    private const double Linear = 9732096, Attention = 614656, Global = 100352 + 200704;
    private const int Forwards = 20;

    private static PlanBops Of(string body) => PlanBops.Of(RecipeCompiler.Compile(Header + body, "t.qrecipe").Plan!);

    [Fact]
    public void A_float_plan_counts_32_by_32_bits_per_mac_over_every_forward_pass()
    {
        var bops = Of(string.Empty);
        Assert.Equal(Forwards, bops.ForwardsPerImage);
        Assert.Equal(Forwards * (6 * (Linear + Attention) + Global), bops.Macs, 0);
        Assert.Equal(bops.FloatBops, bops.Bops, 0);
        Assert.Equal(1024, bops.Bops / bops.Macs, 12);
        // Qua2SeDiMo counts an FP16 model.
        Assert.Equal(256, bops.Qua2SeDiMoBops / bops.Macs, 12);
    }

    [Fact]
    public void Quantized_widths_multiply_and_qua2sedimo_fixes_activations_at_16_bits()
    {
        var bops = Of("weights int4\nactivations int8 on all\n");
        Assert.Equal(Forwards * (6 * (4 * 8 * Linear + 8 * 8 * Attention) + 32 * 32 * Global), bops.Bops, 0);
        Assert.Equal(Forwards * (6 * (4 * 16 * Linear + 16 * 16 * Attention) + 16 * 16 * Global), bops.Qua2SeDiMoBops, 0);
        Assert.Equal((32.0 * Linear + 64 * Attention) / (Linear + Attention), bops.BlockBopsPerMac, 9);
    }

    [Fact]
    public void K_means_weights_count_as_their_fp16_codebook_entries()
    {
        // fc1 (49·128·512 = 3211264 MACs per forward) in k-means: 16 × 8 bits instead of 3 × 8.
        var uniform = Of("weights int3 per-channel asymmetric uaq\nactivations int8 on all\n");
        var kmeans = Of("weights int3 per-channel asymmetric uaq\nactivations int8 on all\nweights int3 per-channel kmeans-c on fc1\n");
        Assert.Equal(Forwards * 6 * 3211264.0 * (16 - 3) * 8, kmeans.Bops - uniform.Bops, 0);
        Assert.Equal(Forwards * 6 * 3211264.0 * (16 - 3) * 16, kmeans.Qua2SeDiMoBops - uniform.Qua2SeDiMoBops, 0);
    }
}
