using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using QRecipe.Generator.Tests.Harness;
using QRecipe.Language;
using QRecipe.Plan;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>Generated code and run-time lowering must agree exactly: compile the generated classes for every
/// example recipe in memory, load them, and compare their static plans and accessors with RecipeCompiler.</summary>
public sealed class PlanEquivalenceTests
{
    private static readonly Lazy<Assembly> s_generated = new(CompileExamples);

    private static Assembly CompileExamples()
    {
        var recipes = TestPaths.RecipeFiles().Select(f => Recipe(f, TestPaths.ReadRecipe(f)));
        var (driver, output) = Run(recipes);
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(CompilerProblems(output));
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    public static TheoryData<string> ExampleRecipes() => SnapshotTests.ExampleRecipes();

    private static RecipePlan RuntimePlan(string fileName) =>
        RecipeCompiler.Compile(TestPaths.ReadRecipe(fileName), RecipePath(fileName)).Plan
        ?? throw new InvalidOperationException(fileName + " has errors");

    private static Type GeneratedType(RecipePlan plan) =>
        s_generated.Value.GetType("QRecipe.Recipes." + plan.Name) ?? throw new InvalidOperationException("no class " + plan.Name);

    [Theory]
    [MemberData(nameof(ExampleRecipes))]
    public void Generated_plan_equals_runtime_lowering(string fileName)
    {
        var runtime = RuntimePlan(fileName);
        var type = GeneratedType(runtime);

        var generated = (RecipePlan)type.GetProperty("Plan")!.GetValue(null)!;
        var instance = (IQuantRecipe)type.GetProperty("Instance")!.GetValue(null)!;

        Assert.Equal(runtime, generated);
        // Stricter than RecipePlan.Equals, which tolerates a reordered palette.
        Assert.Equal(runtime.Palette, generated.Palette);
        Assert.Equal(runtime.Cells, generated.Cells);
        Assert.Same(generated, instance.Plan);
        Assert.Equal(runtime.Name, instance.Name);
        Assert.Equal("recipes/" + fileName, instance.SourcePath);
    }

    [Theory]
    [MemberData(nameof(ExampleRecipes))]
    public void Accessors_and_constants_match_runtime_lowering(string fileName)
    {
        var runtime = RuntimePlan(fileName);
        var type = GeneratedType(runtime);
        object? Call(string name, params object[] args) => type.GetMethod(name, args.Select(a => a.GetType()).ToArray())!.Invoke(null, args);

        Assert.Equal(runtime.Depth, type.GetField("Depth")!.GetValue(null));
        Assert.Equal(runtime.Steps, type.GetField("Steps")!.GetValue(null));
        Assert.Equal(runtime.Model.Heads, type.GetField("Heads")!.GetValue(null));
        Assert.Equal(runtime.Sampler.Kind, type.GetField("Sampler")!.GetValue(null));
        for (var step = 0; step < runtime.Steps; step++)
        {
            for (var block = 0; block < runtime.Depth; block++)
            {
                foreach (var op in Operators.PerBlock)
                {
                    var expected = runtime.Get(new Step(step), new Block(block), op);
                    Assert.Equal(expected, Call(op.ToString(), new Step(step), new Block(block)));
                    Assert.Equal(expected.Sc, Call(op + "Sc", new Step(step), new Block(block)));
                    Assert.Equal(expected.Activations, Call(op + "Activations", new Step(step), new Block(block)));
                    if (Operators.HasHeads(op))
                        Assert.Equal(expected.Sc.StreamOfHead(runtime.Model.Heads - 1), Call(op + "Stream", new Step(step), new Block(block), runtime.Model.Heads - 1));
                }
            }
            foreach (var op in Operators.Global)
                Assert.Equal(runtime.GetGlobal(step, op), Call(op.ToString(), new Step(step)));
        }
        Assert.Equal(runtime.GetSmoothing(runtime.Depth - 1, Operator.Fc1), Call("Fc1Smoothing", new Block(runtime.Depth - 1)));
        var weights = type.GetMethod("QkvWeights")!;
        Assert.Equal(runtime.Get(new Step(0), new Block(0), Operator.Qkv).Weights, weights.Invoke(null, weights.GetParameters().Select(p => p.ParameterType == typeof(Step) ? (object)new Step(0) : new Block(0)).ToArray()));
    }

    [Fact]
    public void Accessors_reject_positions_outside_the_plan()
    {
        var runtime = RuntimePlan("dit_w4a8_sc.qrecipe");
        var type = GeneratedType(runtime);
        void Throws(string method, params object[] args)
        {
            var error = Assert.Throws<TargetInvocationException>(() => type.GetMethod(method)!.Invoke(null, args));
            Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        }

        Throws("Qkv", new Step(0), new Block(runtime.Depth));
        Throws("Qk", new Step(0), new Block(-1));
        Throws("AvSc", new Step(runtime.Steps), new Block(0));
        Throws("QkStream", new Step(0), new Block(0), runtime.Model.Heads);
        Throws("Fc2Smoothing", new Block(runtime.Depth));
        Throws("Embed", new Step(runtime.Steps));
    }

    [Fact]
    public void Registry_lists_every_example_recipe()
    {
        var registry = s_generated.Value.GetType("QRecipe.Recipes.QRecipeRegistry")!;
        var all = (System.Collections.Generic.IReadOnlyList<IQuantRecipe>)registry.GetProperty("All")!.GetValue(null)!;
        var expected = TestPaths.RecipeFiles().Select(f => RuntimePlan(f).Name).OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(expected, all.Select(r => r.Name));
        Assert.Same(all[0], registry.GetMethod("Find")!.Invoke(null, new object[] { all[0].Name }));
        Assert.Null(registry.GetMethod("Find")!.Invoke(null, new object[] { "NoSuchRecipe" }));
    }
}
