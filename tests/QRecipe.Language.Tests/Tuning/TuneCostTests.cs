using QRecipe.Language.Tuning;

namespace QRecipe.Language.Tests.Tuning;

/// <summary>Budget units against hand-computed values for the bundled model (hidden 128, 4 heads of 32, 49 tokens, MLP
/// 512, 6 blocks). Per block: weights qkv 128·384 = 49152, proj 128·128 = 16384, fc1 and fc2 128·512 = 65536 each,
/// adaln 128·768 = 98304, 294912 in all. MACs per forward: qkv 49·128·384 = 2408448, proj 49·128·128 = 802816, fc1
/// and fc2 49·128·512 = 3211264 each, adaln 128·768 = 98304 (once per sample), qk and av 4·49·49·32 = 307328 each;
/// 10346752 per block.</summary>
public sealed class TuneCostTests
{
    private const string Header = "recipe T\nmodel fmnist-dit/4 image 28\nsampler ddim steps 10 cfg 4\n";

    private static Plan.RecipePlan Plan(string body) => RecipeCompiler.Compile(Header + body, "t.qrecipe").Plan!;

    [Fact]
    public void Average_weight_bits_weigh_layers_by_their_parameters()
    {
        var plan = Plan("weights int8\nat blocks 0 {\n  weights int4 on fc1\n}\n");
        // fc1 of one block of six at 4 bits: 8 − 4·65536 / (6·294912).
        Assert.Equal(8 - 4.0 * 65536 / (6 * 294912), TuneCost.Of(plan, BudgetKind.WeightBits), 12);
        Assert.Equal(32, TuneCost.Of(Plan(string.Empty), BudgetKind.WeightBits), 12);
    }

    [Fact]
    public void Bops_per_mac_multiply_the_operand_bits_and_weigh_by_macs()
    {
        Assert.Equal(64, TuneCost.Of(Plan("weights int8\nactivations int8 on all\n"), BudgetKind.Bops), 9);
        Assert.Equal(1, TuneCost.Of(Plan(string.Empty), BudgetKind.FloatShare), 12);
        // W4A8 on the linear layers, qk and av at 8 × 8: (32·9732096 + 64·614656) / 10346752.
        var expected = (32.0 * 9732096 + 64.0 * 614656) / 10346752;
        var plan = Plan("weights int4\nactivations int8 on all\n");
        Assert.Equal(expected, TuneCost.Of(plan, BudgetKind.Bops), 9);
        Assert.Equal(expected / 1024, TuneCost.Of(plan, BudgetKind.FloatShare), 12);
        // Float activations on qk and av count as 32 bits on both operands.
        var floatAttention = (32.0 * 9732096 + 1024.0 * 614656) / 10346752;
        Assert.Equal(floatAttention, TuneCost.Of(Plan("weights int4\nactivations int8\n"), BudgetKind.Bops), 9);
    }

    [Fact]
    public void Sc_bitops_are_the_mean_stream_per_sc_mac_and_percentages_are_of_full_length()
    {
        var plan = Plan("activations int8 on all\nsc precision 8 {\n  qk, av stream 256\n  qk, av blocks 0 stream 64\n}\n");
        // qk and av have equal MACs: five blocks at 256 and one at 64.
        Assert.Equal((5 * 256 + 64) / 6.0, TuneCost.Of(plan, BudgetKind.ScBitops), 9);
        Assert.Equal(128, TuneCost.Limit(new TuneBudget(BudgetKind.ScBitops, 50, true), plan)!.Value, 9);
        Assert.Equal(100, TuneCost.Limit(new TuneBudget(BudgetKind.ScBitops, 100, false), plan)!.Value, 9);
        Assert.Null(TuneCost.Limit(new TuneBudget(BudgetKind.ScBitops, 50, true), Plan("weights int8\n")));
        Assert.Equal(0.05, TuneCost.Limit(new TuneBudget(BudgetKind.FloatShare, 5, true), plan)!.Value, 12);
    }
}
