using System;
using System.Linq;
using QRecipe.Cli.Tune;
using QRecipe.Language;
using QRecipe.Language.Formatting;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Tune;

/// <summary>The compact recipe writer round-trips: the written text compiles clean and lowers to exactly the chosen
/// setting in every tuned cell, and to the base setting everywhere else.</summary>
public sealed class CandidateRecipeTests
{
    private const string BaseText = """
        recipe Base "base"
        model fmnist-dit/4 image 28
        sampler ddim steps 12 cfg 4
        weights int8 group 32 symmetric
        activations int8 on all
        sc precision 8 noise {
          qk, av stream 256
          av blocks 5 heads 3 stream 128
        }
        tune budget wbits 5 {
          wbits linear choices 8 6 4 per-block per-op step-bands 3
          abits qkv, fc1 blocks 1..3 choices 8 6
          stream qk blocks 0..2 choices 256 128 64 per-head step-bands 2
          stream av choices 256 64 per-block
        }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_random_configuration_written_and_compiled_gives_the_chosen_settings(int seed)
    {
        var compilation = RecipeCompiler.Compile(BaseText, "base.qrecipe");
        Assert.Empty(compilation.Diagnostics);
        var tuneBase = new TuneBase("base.qrecipe", BaseText, compilation);
        var random = new Random(seed);
        var choices = tuneBase.Space.Groups.Select(g => random.Next(g.Choices.Count)).ToArray();
        var text = CandidateRecipe.Text(tuneBase, choices, "Written", new[] { "a comment" });
        var written = RecipeCompiler.Compile(text, "written.qrecipe");
        // Only base rules the tuned rules override entirely may be reported (as shadowed); the base ends at line 9.
        Assert.True(written.Diagnostics.All(d => d.Id == "QR0700" && d.Span.Line <= 9), string.Join("\n", written.Diagnostics) + "\n" + text);
        Assert.NotNull(written.Plan);
        Assert.Null(written.Tune);
        Assert.Equal(text, RecipeFormatter.Format(text).Text);
        Assert.Equal("Written", written.Plan!.Name);
        var basePlan = compilation.Plan!;
        var plan = written.Plan;
        var expected = new OpSetting[plan.Steps, plan.Depth, Operators.PerBlockCount];
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                foreach (var op in Operators.PerBlock)
                    expected[step, block, (int)op] = basePlan.Get(new Step(step), new Block(block), op);
            }
        }
        foreach (var group in tuneBase.Space.Groups)
        {
            var value = group.Choices[choices[group.Index]];
            foreach (var cell in group.Cells)
            {
                var actual = plan.Get(new Step(cell.Step), new Block(cell.Block), cell.Operator);
                switch (group.Aspect)
                {
                    case TuneAspect.WeightBits:
                        Assert.Equal(value, actual.Weights.Bits);
                        Assert.Equal((Granularity.Group, 32), (actual.Weights.Granularity, actual.Weights.GroupSize));
                        expected[cell.Step, cell.Block, (int)cell.Operator] = expected[cell.Step, cell.Block, (int)cell.Operator] with { Weights = actual.Weights };
                        break;
                    case TuneAspect.ActivationBits:
                        Assert.Equal(value, actual.Activations.Bits);
                        expected[cell.Step, cell.Block, (int)cell.Operator] = expected[cell.Step, cell.Block, (int)cell.Operator] with { Activations = actual.Activations };
                        break;
                    default:
                        if (cell.Head >= 0)
                            Assert.Equal(value, actual.Sc.StreamOfHead(cell.Head));
                        else
                            Assert.All(Enumerable.Range(0, plan.Model.Heads), h => Assert.Equal(value, actual.Sc.StreamOfHead(h)));
                        Assert.NotNull(actual.Sc.Noise);
                        expected[cell.Step, cell.Block, (int)cell.Operator] = expected[cell.Step, cell.Block, (int)cell.Operator] with { Sc = actual.Sc };
                        break;
                }
            }
        }
        // Everything the groups do not decide is the base's.
        for (var step = 0; step < plan.Steps; step++)
        {
            for (var block = 0; block < plan.Depth; block++)
            {
                foreach (var op in Operators.PerBlock)
                    Assert.Equal(expected[step, block, (int)op], plan.Get(new Step(step), new Block(block), op));
            }
        }
    }

    [Fact]
    public void Chosen_rules_come_after_base_rules_that_follow_the_tune_section()
    {
        const string text = "recipe B\nmodel fmnist-dit/4 image 28\nsampler ddim steps 4\ntune {\n  wbits fc1 choices 8 4\n}\nweights int8\n";
        var compilation = RecipeCompiler.Compile(text, "b.qrecipe");
        var written = CandidateRecipe.Text(new TuneBase("b.qrecipe", text, compilation), new[] { 1 }, "B", Array.Empty<string>());
        var plan = RecipeCompiler.Compile(written).Plan!;
        Assert.All(Enumerable.Range(0, plan.Depth), b => Assert.Equal(4, plan.Get(new Step(3), new Block(b), Operator.Fc1).Weights.Bits));
        Assert.Equal(8, plan.Get(new Step(0), new Block(0), Operator.Fc2).Weights.Bits);
    }

    [Fact]
    public void The_base_configuration_adds_no_rule_and_a_uniform_one_few()
    {
        var compilation = RecipeCompiler.Compile(BaseText, "base.qrecipe");
        var tuneBase = new TuneBase("base.qrecipe", BaseText, compilation);
        var top = CandidateRecipe.Text(tuneBase, new int[tuneBase.Space.Groups.Count], "Top", Array.Empty<string>());
        var (basePlan, topPlan) = (compilation.Plan!, RecipeCompiler.Compile(top).Plan!);
        // Every group at its first choice is the base, except that a group decides whole cells: av of block 5, whose
        // head 3 the base runs at 128, gets 256 in all heads.
        for (var step = 0; step < basePlan.Steps; step++)
        {
            for (var block = 0; block < basePlan.Depth; block++)
            {
                foreach (var op in Operators.PerBlock)
                {
                    var expected = block == 5 && op == Operator.Av
                        ? basePlan.Get(new Step(step), new Block(block), op) with { Sc = basePlan.Get(new Step(step), new Block(block), op).Sc with { HeadStreams = EquatableArray<int>.Empty } }
                        : basePlan.Get(new Step(step), new Block(block), op);
                    Assert.Equal(expected, topPlan.Get(new Step(step), new Block(block), op));
                }
            }
        }
        Assert.EndsWith("sc precision 8 kernel enable scramble bitrev noise local 0.15 global 0.6 {\n  av blocks 5 stream 256\n}\n", top);
        var cheapest = CandidateRecipe.Text(tuneBase, tuneBase.Space.Groups.Select(g => g.Choices.Count - 1).ToArray(), "Cheapest", Array.Empty<string>());
        // Every linear layer at 4 bits in all steps merges into one statement; the stream rules into one section.
        Assert.Single(cheapest.Split('\n'), l => l.StartsWith("weights int4 group 32 symmetric rtn on qkv, proj, fc1, fc2, adaln", StringComparison.Ordinal));
        Assert.Contains("qk blocks 0..2 heads 0..3 stream 64", cheapest);
    }
}
