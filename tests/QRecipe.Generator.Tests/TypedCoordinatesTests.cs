using System.Linq;
using Microsoft.CodeAnalysis;
using QRecipe.Plan;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>Steps and blocks are distinct types: user code that passes them in the wrong order, or passes bare
/// integers, is a compile error (compiled here with Roslyn against the generated class), and the right order binds.</summary>
public sealed class TypedCoordinatesTests
{
    private static string[] Errors(string body)
    {
        var user = "using QRecipe.Plan; using QRecipe.Recipes; class User { object M() { " + body + " } }";
        var (_, output) = Run(new[] { Recipe("tiny.qrecipe", TestRecipes.Tiny) }, user);
        return output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToArray();
    }

    [Fact]
    public void Step_and_block_in_order_compile()
    {
        Assert.Empty(Errors("return Tiny.Qkv(new Step(3), Block.At(1)).Weights.Bits + Tiny.QkStream(Step.At(0), new Block(1), 2)"
            + " + Tiny.Plan.Get(new Step(3), new Block(1), Operator.Qk).Sc.Stream + Tiny.Embed(new Step(0)).Weights.Bits + Tiny.Fc1Smoothing(new Block(0)).Alpha;"));
    }

    [Fact]
    public void Swapped_accessor_arguments_do_not_compile()
    {
        Assert.Equal(new[] { "CS1503", "CS1503" }, Errors("return Tiny.Qkv(new Block(1), new Step(3));"));
        Assert.Equal(new[] { "CS1503", "CS1503" }, Errors("return Tiny.QkStream(new Block(1), new Step(0), 2);"));
    }

    [Fact]
    public void Swapped_plan_lookup_does_not_compile()
    {
        Assert.Equal(new[] { "CS1503", "CS1503" }, Errors("return Tiny.Plan.Get(new Block(1), new Step(3), Operator.Qkv);"));
    }

    [Fact]
    public void Bare_integers_are_not_steps_or_blocks()
    {
        Assert.Equal(new[] { "CS1503", "CS1503" }, Errors("return Tiny.Qkv(3, 1);"));
        Assert.Equal(new[] { "CS1503", "CS1503" }, Errors("return Tiny.Plan.Get(3, 1, Operator.Qkv);"));
        // No conversion to int either, so a step cannot flow into an integer block parameter.
        Assert.Equal(new[] { "CS0029" }, Errors("int block = new Step(3); return block;"));
    }

    [Fact]
    public void Steps_and_blocks_compare_by_index()
    {
        Assert.Equal(new Step(3), Step.At(3));
        Assert.NotEqual(new Step(3), new Step(4));
        Assert.True(Block.At(2) == new Block(2));
        Assert.True(new Block(1).CompareTo(new Block(2)) < 0);
        Assert.Equal("step 3", new Step(3).ToString());
    }
}
