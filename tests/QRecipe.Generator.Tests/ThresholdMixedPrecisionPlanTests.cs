using System.IO;
using System.Reflection;
using Microsoft.CodeAnalysis;
using QRecipe.Language;
using QRecipe.Plan;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>A generated class carries adaptive and range mixed precision exactly as run-time lowering gives them (the
/// example recipes use neither): the generated plan, compiled and loaded, equals RecipeCompiler's.</summary>
public sealed class ThresholdMixedPrecisionPlanTests
{
    private const string Text = """
        recipe ThresholdMp "adaptive and range mixed precision"

        model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }
        sampler ddim steps 4

        weights int8 per-channel symmetric
        activations int8 per-token dynamic on all

        sc precision 8 {
          all stream 256
          mp qk, av levels 256 128 0 adaptive alpha 0.25 beta 0.125
          mp fc2 levels 256 64 fractions 0.5 0.5
          range qkv, fc1 levels 256 128 64 threshold 0.4 group 16
          range proj blocks 1 levels 128 32 group 64
        }
        """;

    [Fact]
    public void Generated_plan_with_adaptive_and_range_rules_equals_runtime_lowering()
    {
        var (driver, output) = Run(new[] { Recipe("threshold.qrecipe", Text) });
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var type = Assembly.Load(image.ToArray()).GetType("QRecipe.Recipes.ThresholdMp")!;
        var generated = (RecipePlan)type.GetProperty("Plan")!.GetValue(null)!;
        var runtime = RecipeCompiler.Compile(Text, RecipePath("threshold.qrecipe")).Plan!;

        Assert.Equal(runtime.Palette, generated.Palette);
        Assert.Equal(runtime.Cells, generated.Cells);
        Assert.Equal(new AdaptiveThreshold(0.25, 0.125), generated.Get(new Step(3), new Block(1), Operator.Av).Sc.MixedPrecision!.Adaptive);
        // proj has 64 rows: a group of 64 is one group, lowered to group size 0.
        Assert.Equal(new RangeMixedPrecision(EquatableArray.Create(128, 32), 0.3, 0), generated.Get(new Step(0), new Block(1), Operator.Proj).Sc.Range);
        Assert.Null(generated.Get(new Step(0), new Block(0), Operator.Proj).Sc.Range);
    }
}
