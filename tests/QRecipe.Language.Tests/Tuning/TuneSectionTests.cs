using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Tuning;
using QRecipe.Plan;

namespace QRecipe.Language.Tests.Tuning;

/// <summary>The <c>tune</c> section: parsed, checked, lowered into cell groups beside the plan, and without effect on
/// the plan itself.</summary>
public sealed class TuneSectionTests
{
    private const string Base = "recipe T\nmodel fmnist-dit/4 image 28\nsampler ddim steps 10 cfg 4\nweights int8\nactivations int8 on all\n";

    private static RecipeCompilation Compile(string text) => RecipeCompiler.Compile(text, "t.qrecipe");

    [Fact]
    public void A_recipe_with_a_tune_section_lowers_to_the_plan_of_its_base()
    {
        var tuned = Compile(Base + "tune budget wbits 4.5 {\n  wbits linear choices 8 4 per-block per-op step-bands 2\n}\n");
        var plain = Compile(Base);
        Assert.Empty(tuned.Diagnostics);
        Assert.Equal(plain.Plan, tuned.Plan);
        Assert.Null(plain.Tune);
    }

    [Fact]
    public void Per_block_per_op_step_bands_split_the_cells_into_one_group_each()
    {
        var space = Compile(Base + "tune budget wbits 4.5 seeds 32 validate 100 {\n  wbits linear choices 4 8 per-block per-op step-bands 2\n}\n").Tune!;
        // 6 blocks x 5 weight layers x 2 bands of the 10 steps.
        Assert.Equal(60, space.Groups.Count);
        Assert.All(space.Groups, g => Assert.Equal(new[] { 8, 4 }, g.Choices.ToArray()));
        Assert.All(space.Groups, g => Assert.Equal(5, g.Cells.Count));
        Assert.All(space.Groups, g => Assert.Single(g.Cells.Select(c => (c.Block, c.Operator)).Distinct()));
        Assert.All(space.Groups, g => Assert.True(g.Cells.All(c => c.Step < 5) || g.Cells.All(c => c.Step >= 5)));
        var all = space.Groups.SelectMany(g => g.Cells).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(6 * 5 * 10, all.Count);
        Assert.Equal(new TuneBudget(BudgetKind.WeightBits, 4.5, false), space.Budget);
        Assert.Equal(32, space.Seeds);
        Assert.Equal(100, space.Validate);
    }

    [Fact]
    public void Per_head_stream_groups_hold_one_head_of_their_cells()
    {
        var text = Base + "sc {\n  qk, av stream 256\n}\ntune budget sc-bitops 50% {\n  stream qk blocks 0 heads 0..1 choices 256 64 per-head\n}\n";
        var space = Compile(text).Tune!;
        Assert.Equal(2, space.Groups.Count);
        for (var head = 0; head < 2; head++)
        {
            var cells = space.Groups[head].Cells;
            Assert.Equal(10, cells.Count);
            Assert.All(cells, c => Assert.Equal((0, Operator.Qk, head), (c.Block, c.Operator, c.Head)));
        }
    }

    [Theory]
    [InlineData("  weights int4\n", "QR0110")]
    [InlineData("  stream qk choices 256 64 per-block\n", "QR1005")]
    [InlineData("  wbits fc1 heads 0 choices 8 4\n", "QR1003")]
    [InlineData("  stream fc1 per-head choices 8 4\n", "QR1003")]
    [InlineData("  wbits fc1 choices 8\n", "QR1000")]
    [InlineData("  abits fc1 choices 17 8\n", "QR1000")]
    [InlineData("  wbits fc1\n", "QR1000")]
    [InlineData("  wbits fc1 choices 8 4 step-bands 11\n", "QR1002")]
    public void Bad_rules_are_reported(string rule, string id)
    {
        var compilation = Compile(Base + "tune {\n" + rule + "}\n");
        Assert.Contains(compilation.Diagnostics, d => d.Id == id);
        Assert.Null(compilation.Plan);
    }

    [Fact]
    public void A_tune_rule_outside_tune_and_a_second_tune_section_are_errors()
    {
        Assert.Contains(Compile(Base + "wbits fc1 choices 8 4\n").Diagnostics, d => d.Id == DiagnosticCatalog.MisplacedStatement.Id);
        Assert.Contains(Compile(Base + "tune {\n  wbits fc1 choices 8 4\n}\ntune {\n  wbits fc2 choices 8 4\n}\n").Diagnostics, d => d.Id == DiagnosticCatalog.DuplicateStatement.Id);
        Assert.Contains(Compile(Base + "at blocks 0 {\n  tune {\n    wbits fc1 choices 8 4\n  }\n}\n").Diagnostics, d => d.Id == DiagnosticCatalog.MisplacedStatement.Id);
    }

    [Fact]
    public void A_stream_choice_above_the_precision_is_reported()
    {
        var compilation = Compile(Base + "sc precision 6 {\n  qk stream 64\n}\ntune {\n  stream qk choices 128 64\n}\n");
        var diagnostic = Assert.Single(compilation.Diagnostics, d => d.Id == "QR1000");
        Assert.Contains("128", diagnostic.Message);
        Assert.Contains("2^6 = 64", diagnostic.Message);
    }
}
