using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using QRecipe.Generator.Tests.Harness;
using QRecipe.Plan;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Execution;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>The members that run a recipe: present exactly when the project references QRecipe.Runtime, and running
/// the recipe's own plan through the runtime.</summary>
public sealed class PipelineTests
{
    private static Type Compile(string fileName, string text)
    {
        var (driver, output) = RunWithRuntime(new[] { Recipe(fileName, text) });
        Assert.Empty(CompilerProblems(output));
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = Assembly.Load(image.ToArray());
        return assembly.GetTypes().Single(t => t.GetInterfaces().Contains(typeof(IQuantRecipe)));
    }

    [Fact]
    public void Pipeline_members_of_a_bundled_model_recipe()
    {
        var (driver, output) = RunWithRuntime(new[] { Recipe("fmnist_w4a8_sc.qrecipe", TestPaths.ReadRecipe("fmnist_w4a8_sc.qrecipe")) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Pipeline_members_of_a_custom_model_recipe()
    {
        var (driver, output) = RunWithRuntime(new[] { Recipe("tiny.qrecipe", TestRecipes.Tiny) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Without_the_runtime_there_are_no_pipeline_members()
    {
        var (_, output) = Run(new[] { Recipe("fmnist_w4a8_sc.qrecipe", TestPaths.ReadRecipe("fmnist_w4a8_sc.qrecipe")) });
        var members = output.GetTypeByMetadataName("QRecipe.Recipes.FmnistW4A8Sc")!.GetMembers().Select(m => m.Name).ToList();

        Assert.Contains("Plan", members);
        Assert.DoesNotContain("Run", members);
        Assert.DoesNotContain("BundledSettings", members);
    }

    [Fact]
    public void A_custom_model_recipe_has_no_bundled_settings()
    {
        var type = Compile("tiny.qrecipe", TestRecipes.Tiny);

        Assert.Null(type.GetMethod("BundledSettings"));
        Assert.Equal(2, type.GetMethods(BindingFlags.Public | BindingFlags.Static).Count(m => m.Name == "Run"));
    }

    [Fact]
    public void Generated_run_samples_the_recipes_plan_as_the_runner_does()
    {
        var type = Compile("tiny.qrecipe", TestRecipes.Tiny);
        var plan = (RecipePlan)type.GetProperty("Plan")!.GetValue(null)!;
        var settings = new RunSettings(Samples: 2, Labels: new[] { 3, 7 }, Seed: 11, Checkpoint: null, SyntheticWeightSeed: 5, CompareFloat: false);
        var run = type.GetMethod("Run", new[] { typeof(RunSettings), typeof(IComputeDevice), typeof(IProgress<RunProgress>), typeof(System.Threading.CancellationToken) })!;

        var generated = (RunResult)run.Invoke(null, new object?[] { settings, null, null, default(System.Threading.CancellationToken) })!;
        var direct = RecipeRunner.Run(plan, settings, ComputeDevices.Cpu);

        // tiny: depth 2, 4 channels of latent 8 x 8 per sample.
        Assert.Equal(2 * 4 * 8 * 8, generated.Latents.Length);
        Assert.Equal(direct.Latents, generated.Latents);
        Assert.Equal(new[] { 3, 7 }, generated.Labels);
        Assert.Same(plan, generated.Plan);
    }

    [Fact]
    public void Bundled_settings_name_the_shipped_weights_and_the_recipes_seed()
    {
        var type = Compile("fmnist_w4a8_sc.qrecipe", TestPaths.ReadRecipe("fmnist_w4a8_sc.qrecipe"));

        var settings = (RunSettings)type.GetMethod("BundledSettings")!.Invoke(null, new object?[] { 3, null })!;

        Assert.Equal(3, settings.Samples);
        Assert.Null(settings.Labels);
        Assert.Equal(0UL, settings.Seed); // "sampler ddim steps 50 cfg 4 seed 0"
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", "fmnist-dit", "fmnist-dit.safetensors"), settings.Checkpoint);
        Assert.False(settings.CompareFloat);
    }
}
