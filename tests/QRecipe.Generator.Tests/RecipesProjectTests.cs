using System;
using System.IO;
using System.Linq;
using QRecipe.Generator.Tests.Harness;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Recipes;

namespace QRecipe.Generator.Tests;

/// <summary>The recipes of recipes/ as src/QRecipe.Recipes compiled them in the real build (generator loaded by
/// the compiler as a ProjectReference analyzer), compared with run-time lowering.</summary>
public sealed class RecipesProjectTests
{
    [Fact]
    public void Registry_holds_every_recipe_file()
    {
        var files = TestPaths.RecipeFiles();

        Assert.Equal(files.Length, QRecipeRegistry.All.Count);
        Assert.Equal(files, QRecipeRegistry.All.Select(r => Path.GetFileName(r.SourcePath)).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_generated_plan_equals_runtime_lowering()
    {
        foreach (var recipe in QRecipeRegistry.All)
        {
            var path = Path.Combine(TestPaths.RecipesDirectory, Path.GetFileName(recipe.SourcePath));
            var runtime = RecipeCompiler.Compile(File.ReadAllText(path), path);

            Assert.False(runtime.HasErrors, recipe.Name);
            Assert.Equal(runtime.Plan, recipe.Plan);
            Assert.Equal(runtime.Plan!.Cells, recipe.Plan.Cells);
        }
    }

    [Fact]
    public void Typed_api_of_the_default_recipe()
    {
        Assert.Equal(28, DitW4A8Sc.Depth);
        Assert.Equal(16, DitW4A8Sc.Heads);
        Assert.Equal(50, DitW4A8Sc.Steps);
        Assert.Equal(8, DitW4A8Sc.Precision);
        Assert.Equal(SamplerKind.Ddpm, DitW4A8Sc.Sampler);
        // av blocks first 14 stream 128, then heads 8..15 stream 64; blocks 0 and 27 have SC off.
        Assert.Equal(128, DitW4A8Sc.AvStream(new Step(40), new Block(1), head: 7));
        Assert.Equal(64, DitW4A8Sc.AvStream(new Step(40), new Block(1), head: 8));
        Assert.False(DitW4A8Sc.AvSc(new Step(40), new Block(0)).Enabled);
        Assert.Equal(new WeightQuant(8, Granularity.PerChannel, 0, true, WeightMethod.Rtn), DitW4A8Sc.QkvWeights(new Block(27)));
        Assert.Equal(4, DitW4A8Sc.Fc1Weights(new Block(5)).Bits);
        Assert.Equal(SmoothMethod.Ditas, DitW4A8Sc.Fc1Smoothing(new Block(5)).Method);
        Assert.Throws<ArgumentOutOfRangeException>(() => DitW4A8Sc.QkStream(new Step(0), new Block(1), 16));
        Assert.Same(DitW4A8Sc.Instance, QRecipeRegistry.Find(DitW4A8Sc.Name));
    }
}
