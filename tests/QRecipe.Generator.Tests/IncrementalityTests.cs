using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using QRecipe.Generator.Tests.Harness;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>Which pipeline steps re-run after an edit, read from the driver's tracked steps: editing one recipe
/// re-runs only that recipe's steps, C# edits re-run nothing, and equal results stop the pipeline.</summary>
public sealed class IncrementalityTests
{
    private static readonly AdditionalText A = Recipe("a.qrecipe", TestRecipes.Tiny);
    private static readonly AdditionalText B = Recipe("b.qrecipe", TestRecipes.PerHead);

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var compilation = Compilation("class User { }");
        return (CreateDriver(new[] { A, B }).RunGenerators(compilation), compilation);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static IncrementalStepRunReason[] Steps(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].Select(s => s.Outputs.Single().Reason).ToArray();

    [Fact]
    public void Rerun_with_the_same_inputs_is_all_cached()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(compilation);

        Assert.All(Reasons(driver, TrackingNames.Models), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(driver, TrackingNames.Sources), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(driver, TrackingNames.Registry), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Unrelated_csharp_edit_reruns_nothing()
    {
        var (driver, compilation) = FirstRun();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { int X => 1; }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        foreach (var step in new[] { TrackingNames.Options, TrackingNames.Inputs, TrackingNames.Models, TrackingNames.Sources, TrackingNames.Diagnostics, TrackingNames.Registry })
            Assert.All(Reasons(driver, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        // The runtime check reads the compilation, so it runs again, but its answer is the same and stops there.
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(driver, TrackingNames.Runtime));
    }

    [Fact]
    public void Adding_the_runtime_reference_reemits_the_classes_without_rereading_the_recipes()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(compilation.AddReferences(MetadataReference.CreateFromFile(typeof(QRecipe.Runtime.Execution.RecipeRunner).Assembly.Location)));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(driver, TrackingNames.Runtime));
        Assert.All(Reasons(driver, TrackingNames.Models), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(driver, TrackingNames.Sources), r => Assert.Equal(IncrementalStepRunReason.Modified, r));
        Assert.All(Reasons(driver, TrackingNames.Registry), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void Editing_one_recipe_reruns_only_its_steps()
    {
        var (driver, compilation) = FirstRun();
        var editedA = Recipe("a.qrecipe", TestRecipes.Tiny.Replace("stream 64", "stream 32"));
        driver = driver.ReplaceAdditionalText(A, editedA).RunGenerators(compilation);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Inputs));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Models));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Sources));
        // The registry lists names only; a changed plan does not reach it.
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Registry));
    }

    [Fact]
    public void A_trailing_comment_stops_at_the_model()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.ReplaceAdditionalText(A, Recipe("a.qrecipe", TestRecipes.Tiny + "\n// tuned on 2026-11-20\n")).RunGenerators(compilation);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Inputs));
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Models));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached }, Steps(driver, TrackingNames.Sources));
    }

    [Fact]
    public void Adding_a_recipe_runs_only_the_new_one_and_the_registry()
    {
        var (driver, compilation) = FirstRun();
        var c = Recipe("c.qrecipe", TestRecipes.EmptyOverrides);
        driver = driver.AddAdditionalTexts(new[] { c }.ToImmutableArray()).RunGenerators(compilation);

        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached, IncrementalStepRunReason.New }, Steps(driver, TrackingNames.Models));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached, IncrementalStepRunReason.New }, Steps(driver, TrackingNames.Sources));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Steps(driver, TrackingNames.Registry));
        Assert.Equal(4, driver.GetRunResult().GeneratedTrees.Length);
    }

    [Fact]
    public void Changing_the_namespace_property_reruns_models_but_not_file_reading()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.WithUpdatedAnalyzerConfigOptions(new TestOptionsProvider(Properties("Lab.Recipes"))).RunGenerators(compilation);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Steps(driver, TrackingNames.Options));
        Assert.All(Steps(driver, TrackingNames.Inputs), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
        Assert.All(Steps(driver, TrackingNames.Models), r => Assert.Equal(IncrementalStepRunReason.Modified, r));
    }

    [Fact]
    public void Equal_inputs_give_equal_models_with_equal_hash_codes()
    {
        var first = FirstRun().Driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models];
        var second = FirstRun().Driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models];
        for (var i = 0; i < first.Length; i++)
        {
            var (x, y) = (first[i].Outputs.Single().Value, second[i].Outputs.Single().Value);
            Assert.NotSame(x, y);
            Assert.Equal(x, y);
            Assert.Equal(x.GetHashCode(), y.GetHashCode());
        }
    }

    [Fact]
    public void Pipeline_values_hold_no_roslyn_objects()
    {
        var steps = FirstRun().Driver.GetRunResult().Results.Single().TrackedSteps;
        var forbidden = new[] { typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(AdditionalText), typeof(Location), typeof(Diagnostic), typeof(AnalyzerConfigOptions) };
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);

        void Walk(object? value, string path)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
                return;
            Assert.False(forbidden.Any(t => t.IsInstanceOfType(value)), $"{path} holds a {value.GetType()}");
            if (value is IEnumerable items)
            {
                var i = 0;
                foreach (var item in items)
                    Walk(item, $"{path}[{i++}]");
                return;
            }
            foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                Walk(field.GetValue(value), path + "." + field.Name);
        }

        foreach (var name in new[] { TrackingNames.Options, TrackingNames.Inputs, TrackingNames.Models, TrackingNames.Sources, TrackingNames.Diagnostics, TrackingNames.Registry })
        {
            foreach (var output in steps[name].SelectMany(s => s.Outputs))
                Walk(output.Value, name);
        }
        Assert.NotEmpty(visited);
    }
}
