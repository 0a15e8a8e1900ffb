using System;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using QRecipe.Generator.Tests.Harness;
using Xunit.Abstractions;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>
/// Generator cost on a compilation with 50 recipes (the examples under new names): a full run, and an incremental
/// run after editing one recipe, which must cost a small fraction of the full run because only that recipe's
/// steps re-run. Times are printed (run with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
[Trait("Category", "Performance")]
public sealed class GeneratorPerformanceTests
{
    private const int RecipeCount = 50;
    private const int Repeats = 3;
    private readonly ITestOutputHelper _output;

    public GeneratorPerformanceTests(ITestOutputHelper output) => _output = output;

    private static AdditionalText[] FiftyRecipes()
    {
        var examples = TestPaths.RecipeFiles().Select(TestPaths.ReadRecipe).ToArray();
        return Enumerable.Range(0, RecipeCount)
            .Select(i => Recipe($"r{i:00}.qrecipe", Regex.Replace(examples[i % examples.Length], @"(?m)^recipe (\w+)", $"recipe $1N{i:00}")))
            .ToArray();
    }

    [Fact]
    public void Fifty_recipes_full_run_and_incremental_edit()
    {
        var recipes = FiftyRecipes();
        var compilation = Compilation();
        var full = TimeSpan.MaxValue;
        GeneratorDriver driver = CreateDriver(recipes);
        for (var i = 0; i < Repeats; i++)
        {
            var fresh = CreateDriver(recipes);
            var watch = Stopwatch.StartNew();
            driver = fresh.RunGenerators(compilation);
            full = Min(full, watch.Elapsed);
        }
        Assert.Equal(RecipeCount + 1, driver.GetRunResult().GeneratedTrees.Length);
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var incremental = TimeSpan.MaxValue;
        for (var i = 0; i < Repeats; i++)
        {
            var old = recipes[i];
            var edited = Recipe(System.IO.Path.GetFileName(old.Path), old.GetText()!.ToString().Replace("seed 0", "seed " + (i + 1)));
            driver = driver.ReplaceAdditionalText(old, edited);
            recipes[i] = edited;
            var watch = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            incremental = Min(incremental, watch.Elapsed);
            var models = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Models].Select(s => s.Outputs.Single().Reason);
            Assert.Equal(1, models.Count(r => r == IncrementalStepRunReason.Modified));
        }

        _output.WriteLine($"{RecipeCount} recipes: full run {full.TotalMilliseconds:F1} ms ({full.TotalMilliseconds / RecipeCount:F2} ms per recipe), "
            + $"incremental edit of one recipe {incremental.TotalMilliseconds:F1} ms");
        Assert.True(incremental.Ticks * 5 < full.Ticks, $"incremental {incremental} vs full {full}");
    }

    [Fact]
    public void Example_recipes_full_run()
    {
        var recipes = TestPaths.RecipeFiles().Select(f => Recipe(f, TestPaths.ReadRecipe(f))).ToArray();
        var compilation = Compilation();
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < Repeats; i++)
        {
            var driver = CreateDriver(recipes);
            var watch = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            best = Min(best, watch.Elapsed);
            Assert.Equal(recipes.Length + 1, driver.GetRunResult().GeneratedTrees.Length);
        }

        _output.WriteLine($"recipes/ ({recipes.Length} recipes): {best.TotalMilliseconds:F1} ms");
        Assert.True(best < TimeSpan.FromSeconds(5), best.ToString());
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
