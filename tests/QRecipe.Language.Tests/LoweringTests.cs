using System.Linq;
using QRecipe.Plan;

namespace QRecipe.Language.Tests;

/// <summary>Selector and cascade semantics checked cell by cell against hand-computed expectations on DiT-XL/2
/// (28 blocks, 16 heads) with 50 steps.</summary>
public sealed class LoweringTests
{
    private static int[] BlocksWithWeightBits(RecipePlan plan, int bits, int step = 0, Operator op = Operator.Fc1) =>
        Enumerable.Range(0, plan.Depth).Where(b => plan.Get(new Step(step), new Block(b), op).Weights.Bits == bits).ToArray();

    private static int[] StepsWithActivationBits(RecipePlan plan, int bits, int block = 0, Operator op = Operator.Fc1) =>
        Enumerable.Range(0, plan.Steps).Where(s => plan.Get(new Step(s), new Block(block), op).Activations.Bits == bits).ToArray();

    private static int[] Range(int from, int to) => Enumerable.Range(from, to - from + 1).ToArray();

    [Theory]
    [InlineData("first 50%", 0, 13)] // ⌊0.5·28⌋ = 14 blocks
    [InlineData("first 10%", 0, 1)] // ⌊2.8⌋ = 2
    [InlineData("first 20%", 0, 4)] // ⌊5.6⌋ = 5
    [InlineData("last 10%", 26, 27)]
    [InlineData("first 100%", 0, 27)]
    [InlineData("first 14", 0, 13)]
    [InlineData("last 3", 25, 27)]
    [InlineData("0..13", 0, 13)]
    [InlineData("all except 14..27", 0, 13)]
    public void Block_selectors_floor_percentages(string selector, int from, int to)
    {
        var plan = Snippets.Plan($"weights int8\nat blocks {selector} {{\n  weights int4\n}}\n");
        Assert.Equal(Range(from, to), BlocksWithWeightBits(plan, 4));
        Assert.Equal(Enumerable.Range(0, 28).Except(Range(from, to)), BlocksWithWeightBits(plan, 8));
    }

    [Theory]
    [InlineData("noisiest 50%", 0, 24)] // ⌊0.5·50⌋ = 25 steps from step 0, the noisiest
    [InlineData("first 50%", 0, 24)]
    [InlineData("cleanest 20%", 40, 49)]
    [InlineData("cleanest 1", 49, 49)]
    [InlineData("noisiest 3%", 0, 0)] // ⌊1.5⌋ = 1
    public void Step_selectors_start_at_the_noisiest_step(string selector, int from, int to)
    {
        var plan = Snippets.Plan($"activations int8\nat steps {selector} {{\n  activations int4\n}}\n");
        Assert.Equal(Range(from, to), StepsWithActivationBits(plan, 4));
    }

    [Fact]
    public void Percentage_selecting_nothing_warns_and_changes_nothing()
    {
        var compilation = Snippets.CompileBody("weights int8\nat blocks first 3% {\n  weights int4\n}\n");
        Assert.NotNull(compilation.Plan);
        Assert.Empty(BlocksWithWeightBits(compilation.Plan!, 4));
        // The selector (⌊0.84⌋ = 0 blocks) and the rule inside it both select nothing.
        Assert.Equal(new[] { ("QR0206", 5, 11), ("QR0206", 6, 3) }, compilation.Diagnostics.Select(d => (d.Id, d.Span.Line, d.Span.Column)));
    }

    [Fact]
    public void Lists_mix_indices_and_ranges()
    {
        var plan = Snippets.Plan("weights int8\nat blocks 0, 5..7, 27 {\n  weights int4\n}\n");
        Assert.Equal(new[] { 0, 5, 6, 7, 27 }, BlocksWithWeightBits(plan, 4));
    }

    [Fact]
    public void Nested_at_blocks_intersect()
    {
        var plan = Snippets.Plan("weights int8\nat blocks 0..9 {\n  at steps 0..4 on fc1, fc2 {\n    weights int2\n  }\n}\n");
        for (var step = 0; step < 50; step++)
        {
            for (var block = 0; block < 28; block++)
            {
                foreach (var op in new[] { Operator.Qkv, Operator.Fc1, Operator.Fc2 })
                {
                    var inside = step <= 4 && block <= 9 && op != Operator.Qkv;
                    Assert.Equal(inside ? 2 : 8, plan.Get(new Step(step), new Block(block), op).Weights.Bits);
                }
            }
        }
    }

    [Fact]
    public void Last_matching_rule_wins_per_aspect()
    {
        var plan = Snippets.Plan("weights int8\nactivations int8\nweights int4 on fc1\nactivations int6 on fc2\nat blocks 3 {\n  weights int2\n}\n");
        var fc1 = plan.Get(new Step(0), new Block(0), Operator.Fc1);
        Assert.Equal((4, 8), (fc1.Weights.Bits, fc1.Activations.Bits)); // the weights rule left activations alone
        var fc2 = plan.Get(new Step(0), new Block(0), Operator.Fc2);
        Assert.Equal((8, 6), (fc2.Weights.Bits, fc2.Activations.Bits));
        var block3 = plan.Get(new Step(0), new Block(3), Operator.Fc2);
        Assert.Equal((2, 6), (block3.Weights.Bits, block3.Activations.Bits));
        // Defaults apply to `linear` only: the attention products, embedders and final layer stay FP.
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Qk).Weights.IsFloat);
        Assert.True(plan.Get(new Step(0), new Block(0), Operator.Qk).Activations.IsFloat);
        Assert.True(plan.GetGlobal(0, Operator.Embed).Weights.IsFloat);
        Assert.True(plan.GetGlobal(0, Operator.Final).Activations.IsFloat);
    }

    [Fact]
    public void Quantizer_defaults_follow_the_reference()
    {
        var plan = Snippets.Plan("calibrate samples 8\nweights int4\nactivations int8 on fc1\nactivations int8 static on fc2\nweights int4 kmeans-a on proj\n");
        Assert.Equal(new WeightQuant(4, Granularity.PerChannel, 0, true, WeightMethod.Rtn), plan.Get(new Step(0), new Block(0), Operator.Qkv).Weights);
        Assert.Equal(new WeightQuant(4, Granularity.PerTensor, 0, true, WeightMethod.KMeansA), plan.Get(new Step(0), new Block(0), Operator.Proj).Weights);
        Assert.Equal(new ActivationQuant(8, Granularity.PerToken, 0, true, false), plan.Get(new Step(0), new Block(0), Operator.Fc1).Activations);
        Assert.Equal(new ActivationQuant(8, Granularity.PerTensor, 0, false, true), plan.Get(new Step(0), new Block(0), Operator.Fc2).Activations);
        Assert.Equal(new CalibrationSpec(8, new EquatableArray<int>(Enumerable.Range(0, 50).ToArray()), 8), plan.Calibration);
    }

    [Fact]
    public void Default_recipe_resolves_per_head_streams_mixed_precision_and_overrides()
    {
        var plan = Snippets.Compile(Snippets.ReadRecipe("dit_w4a8_sc.qrecipe")).Plan!;
        var mp = new MixedPrecision(EquatableArray.Create(256, 128, 64, 32), EquatableArray.Create(0.1, 0.2, 0.3, 0.4));
        Assert.Equal(0.1 * 256 + 0.2 * 128 + 0.3 * 64 + 0.4 * 32, mp.MeanStream(256), 9);

        // av blocks first 14 stream 128, then heads 8..15 of the same blocks stream 64: the per-head cascade.
        var av = plan.Get(new Step(10), new Block(1), Operator.Av).Sc;
        Assert.True(av.Enabled);
        Assert.Equal(Enumerable.Repeat(128, 8).Concat(Enumerable.Repeat(64, 8)), av.HeadStreams);
        Assert.Equal(128, av.Stream);
        Assert.Equal(mp, av.MixedPrecision);
        Assert.Equal((8, ScKernel.Enable, ScScramble.Bitrev, ScMode.Bipolar), (av.Precision, av.Kernel, av.Scramble, av.Mode));
        Assert.False(plan.Get(new Step(10), new Block(14), Operator.Av).Sc.Enabled); // block 14 is outside first 14

        // qk: all blocks at the 25 noisiest steps, full length; blocks 0 and 27 are switched off by the `at` block.
        Assert.Equal(256, plan.Get(new Step(24), new Block(5), Operator.Qk).Sc.Stream);
        Assert.True(plan.Get(new Step(24), new Block(5), Operator.Qk).Sc.HeadStreams.IsEmpty);
        Assert.False(plan.Get(new Step(25), new Block(5), Operator.Qk).Sc.Enabled);
        Assert.False(plan.Get(new Step(0), new Block(0), Operator.Qk).Sc.Enabled);
        Assert.False(plan.Get(new Step(0), new Block(27), Operator.Qk).Sc.Enabled);

        // fc1 blocks 0..21 stream 192 at every step; no mp rule names fc1.
        Assert.Equal(192, plan.Get(new Step(49), new Block(21), Operator.Fc1).Sc.Stream);
        Assert.Null(plan.Get(new Step(49), new Block(21), Operator.Fc1).Sc.MixedPrecision);
        Assert.False(plan.Get(new Step(49), new Block(22), Operator.Fc1).Sc.Enabled);

        // Weights: int4 group 128 by default, int8 per-channel in the edge blocks; smoothing per DiTAS layer.
        Assert.Equal(new WeightQuant(4, Granularity.Group, 128, true, WeightMethod.Rtn), plan.Get(new Step(3), new Block(1), Operator.Qkv).Weights);
        Assert.Equal(new WeightQuant(8, Granularity.PerChannel, 0, true, WeightMethod.Rtn), plan.Get(new Step(3), new Block(27), Operator.Qkv).Weights);
        Assert.Equal(new SmoothSetting(SmoothMethod.Ditas, 0, new AlphaSearch(0, 1, 0.05), null), plan.GetSmoothing(5, Operator.Fc2));
        Assert.Equal(SmoothSetting.None, plan.GetSmoothing(5, Operator.AdaLN));
    }

    [Fact]
    public void Output_row_groups_get_their_own_streams()
    {
        var plan = Snippets.Compile(Snippets.ReadRecipe("sc_per_head.qrecipe")).Plan!;
        var fc1 = plan.Get(new Step(0), new Block(0), Operator.Fc1).Sc;
        Assert.Equal(new[] { 256, 256, 256, 256, 96, 96, 96, 96 }, fc1.GroupStreams);
        Assert.Equal((4 * 256 + 4 * 96) / 8.0, fc1.MeanStream, 9);
        // DiT-L/2 has 24 blocks; last 50% = blocks 12..23 get heads 8..15 at 128 on qk.
        Assert.Equal(Enumerable.Repeat(256, 8).Concat(Enumerable.Repeat(128, 8)), plan.Get(new Step(0), new Block(12), Operator.Qk).Sc.HeadStreams);
        Assert.True(plan.Get(new Step(0), new Block(11), Operator.Qk).Sc.HeadStreams.IsEmpty);
    }

    [Theory]
    [InlineData(181, 8)] // ⌈log2 181⌉ = 8, as scmp's default
    [InlineData(128, 7)]
    [InlineData(256, 8)]
    [InlineData(257, 9)]
    [InlineData(1, 1)]
    public void Precision_auto_is_the_ceiling_log_2_of_the_stream(int stream, int precision)
    {
        var plan = Snippets.Plan($"activations int8 on all\nsc precision auto kernel xnor {{\n  qk stream {stream}\n}}\n");
        Assert.Equal((precision, stream), (plan.Get(new Step(0), new Block(0), Operator.Qk).Sc.Precision, plan.Get(new Step(0), new Block(0), Operator.Qk).Sc.Stream));
    }

    [Fact]
    public void Later_section_headers_inherit_omitted_clauses()
    {
        var plan = Snippets.Plan("activations int8 on all\nsc precision 10 scramble counter {\n  qk stream 1024\n}\nsc kernel xnor {\n  av stream 512\n}\n");
        var av = plan.Get(new Step(0), new Block(0), Operator.Av).Sc;
        Assert.Equal((10, ScScramble.Counter, ScKernel.Xnor), (av.Precision, av.Scramble, av.Kernel));
        Assert.Equal(ScKernel.Enable, plan.Get(new Step(0), new Block(0), Operator.Qk).Sc.Kernel);
    }

    [Fact]
    public void Rule_report_counts_selected_and_winning_cells()
    {
        // 5 linear operators x 28 blocks x 50 steps = 7000 cells; fc1 is 1400 of them.
        // Stream rules count per head: 2 operators x 28 x 50 x 16 heads = 44800; heads 8..15 of av: 28 x 50 x 8 = 11200.
        var compilation = Snippets.CompileBody("weights int8\nweights int4 on fc1\nweights int2\nactivations int8 on all\nsc {\n  qk, av stream 256\n  av heads 8..15 stream 64\n}\n");
        Assert.Equal(
            new[] { ("weights", 7000, 0), ("weights", 1400, 0), ("weights", 7000, 7000), ("activations", 9800, 9800), ("sc", 44800, 33600), ("sc", 11200, 11200) },
            compilation.Rules.Select(r => (r.Aspect, r.SelectedCells, r.WinningCells)));
        Assert.Equal(new[] { (4, "QR0700"), (5, "QR0700") }, compilation.Diagnostics.Select(d => (d.Span.Line, d.Id)));
        Assert.Contains("1400", compilation.Diagnostics[1].Message);
    }

    [Fact]
    public void Sc_off_prunes_every_block_operator_but_leaves_quantizers()
    {
        var plan = Snippets.Plan("weights int8\nactivations int8 on all\nsc {\n  all stream 256\n}\nat steps last 10 {\n  sc off\n}\n");
        Assert.True(plan.Get(new Step(39), new Block(4), Operator.Fc2).Sc.Enabled);
        Assert.False(plan.Get(new Step(40), new Block(4), Operator.Fc2).Sc.Enabled);
        Assert.Equal(8, plan.Get(new Step(40), new Block(4), Operator.Fc2).Weights.Bits);
        Assert.False(plan.GetGlobal(0, Operator.Embed).Sc.Enabled); // `all` covers the block operators only
    }

    [Fact]
    public void Mixed_precision_levels_are_capped_at_each_heads_and_groups_stream_in_the_budget()
    {
        // dit_w4a8_sc: levels 256 128 64 32 in fractions 0.1 0.2 0.3 0.4 on qk and av. qk runs every head at 256, so
        // nothing is capped: 25.6 + 25.6 + 19.2 + 12.8. av runs heads 0..7 at 128 (12.8 + 25.6 + 19.2 + 12.8 = 70.4)
        // and heads 8..15 at 64 (6.4 + 12.8 + 19.2 + 12.8 = 51.2): 60.8 on average, not 83.2.
        var plan = Snippets.Compile(Snippets.ReadRecipe("dit_w4a8_sc.qrecipe")).Plan!;
        Assert.Equal(83.2, MeanL(plan, Operator.Qk), 9);
        Assert.Equal(60.8, MeanL(plan, Operator.Av), 9);

        // sc_everywhere_mp: every stream 256, so the levels are never capped: 64 + 32 + 25.6 + 0 on the linear layers;
        // qk and av take the mp rule in the 25 noisiest steps only and run at 256 in the other 25.
        plan = Snippets.Compile(Snippets.ReadRecipe("sc_everywhere_mp.qrecipe")).Plan!;
        foreach (var op in new[] { Operator.Qkv, Operator.Proj, Operator.Fc1, Operator.Fc2 })
            Assert.Equal(121.6, MeanL(plan, op), 9);
        Assert.Equal((83.2 + 256) / 2, MeanL(plan, Operator.Av), 9);

        // Output-row groups at 128, 128, 32, 32 with levels 256 and 64 in halves: (96 + 96 + 32 + 32) / 4.
        plan = Snippets.Plan("activations int8 on all\nsc precision 8 {\n  fc1 stream 128\n  fc1 groups 2..3 of 4 stream 32\n"
            + "  mp fc1 levels 256 64 fractions 0.5 0.5\n}\n");
        Assert.Equal(64, plan.Get(new Step(0), new Block(0), Operator.Fc1).Sc.MeanStream, 9);
    }

    private static double MeanL(RecipePlan plan, Operator op)
    {
        var budget = PlanBudget.Of(plan).Operators.Single(o => o.Operator == op);
        return budget.StreamSum / budget.Cells;
    }

    [Fact]
    public void Budget_counts_streams_and_macs_by_hand()
    {
        // qk on DiT-XL/2 at 256 px: 256 tokens, 16 heads, head dim 72: MACs = 16·256 · 72 · 256 per block.
        var plan = Snippets.Plan("activations int8 on all\nsc {\n  qk blocks 0..1 steps 0..9 stream 128\n}\n");
        var qk = PlanBudget.Of(plan).Operators.Single(o => o.Operator == Operator.Qk);
        const double macs = 16.0 * 256 * 72 * 256;
        Assert.Equal(20, qk.Cells);
        Assert.Equal(20 * 128.0, qk.StreamSum);
        Assert.Equal(20 * 128 * macs, qk.StreamMacs);
        Assert.Equal(20 * 256 * macs, qk.FullLengthStreamMacs);
        Assert.Equal(0.5, qk.Savings, 12);
        Assert.Equal(50 * 28 * macs, qk.TotalMacs);
    }
}
