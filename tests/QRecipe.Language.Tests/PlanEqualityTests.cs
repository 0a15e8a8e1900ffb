using QRecipe.Plan;

namespace QRecipe.Language.Tests;

/// <summary>Plans are values: recipes that mean the same compare equal with equal hashes, and one changed cell
/// makes them differ.</summary>
public sealed class PlanEqualityTests
{
    private const string Spelled =
        "weights int4 group 128 symmetric rtn on qkv, proj, fc1, fc2, adaln\n" +
        "activations int8 per-token symmetric dynamic on qkv, qk, av, proj, fc1, fc2, adaln\n" +
        "at blocks 0..13 {\n  weights int8 per-channel on fc1\n}\n" +
        "sc precision 8 kernel enable scramble bitrev {\n  qk, av blocks all steps 0..24 stream 256\n}\n";

    private const string Terse =
        "activations int8 on all\n" +
        "weights int4 group 128\n" +
        "sc {\n  attn steps noisiest 50% stream 256\n  qkv, proj steps all off\n}\n" +
        "at blocks first 50% on mlp {\n  weights int8 on fc1\n}\n";

    [Fact]
    public void Equivalent_recipes_give_equal_plans_and_hashes()
    {
        var a = Snippets.Plan(Spelled);
        var b = Snippets.Plan(Terse);
        Assert.True(a.Equals(b));
        Assert.True(b.Equals((object)a));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Compiling_twice_gives_equal_but_distinct_plans()
    {
        var a = Snippets.Plan(Spelled);
        var b = Snippets.Plan(Spelled);
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("at blocks 27 {\n  at steps 49 {\n    weights int3 on adaln\n  }\n}\n")] // the very last block cell
    [InlineData("at blocks 5 steps 7 on fc2 {\n  activations int16\n}\n")]
    [InlineData("sc {\n  av blocks 3 steps 30 heads 15 stream 128\n}\n")] // one head of one cell
    [InlineData("smooth smoothquant alpha 0.5 on adaln\ncalibrate samples 8\n")]
    [InlineData("weights int8 on final\n")]
    public void One_changed_cell_makes_plans_differ(string change)
    {
        var a = Snippets.Plan(Spelled);
        var b = Snippets.Plan(Spelled + change);
        Assert.False(a.Equals(b));
        Assert.False(b.Equals(a));
    }

    [Fact]
    public void Name_description_model_and_sampler_take_part()
    {
        var plan = Snippets.Plan("weights int8\n");
        Assert.NotEqual(plan, Snippets.Compile("recipe U\nmodel dit-xl/2\nsampler ddpm steps 50\nweights int8\n").Plan);
        Assert.NotEqual(plan, Snippets.Compile("recipe T \"d\"\nmodel dit-xl/2\nsampler ddpm steps 50\nweights int8\n").Plan);
        Assert.NotEqual(plan, Snippets.Compile("recipe T\nmodel dit-xl/2 image 512\nsampler ddpm steps 50\nweights int8\n").Plan);
        Assert.NotEqual(plan, Snippets.Compile("recipe T\nmodel dit-xl/2\nsampler ddpm steps 50 seed 1\nweights int8\n").Plan);
        Assert.Equal(plan, Snippets.Compile("recipe T\nmodel dit-xl/2 image 256\nsampler ddpm steps 50 cfg 1 seed 0\nweights int8\n").Plan);
    }

    [Fact]
    public void Plans_with_the_same_cells_in_a_different_palette_order_are_equal()
    {
        // Built by hand so the palettes list the same two settings in opposite orders.
        var plan = Snippets.Plan("weights int8\nat blocks 0 {\n  weights int4\n}\n");
        var palette = plan.Palette.ToArray();
        System.Array.Reverse(palette);
        var cells = System.Array.ConvertAll(plan.Cells.ToArray(), i => palette.Length - 1 - i);
        var reordered = new RecipePlan(plan.Name, plan.Description, plan.Model, plan.Sampler, plan.Calibration,
            new EquatableArray<OpSetting>(palette), new EquatableArray<int>(cells), plan.Smoothing);
        Assert.NotEqual(plan.Palette, reordered.Palette);
        Assert.Equal(plan, reordered);
        Assert.Equal(plan.GetHashCode(), reordered.GetHashCode());
    }
}
