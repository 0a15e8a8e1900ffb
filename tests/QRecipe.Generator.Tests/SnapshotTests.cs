using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using QRecipe.Generator.Tests.Harness;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;

namespace QRecipe.Generator.Tests;

/// <summary>Generated code for every example recipe and for edge cases, against checked-in baselines. Every
/// snapshot is also compiled, so a baseline can never lock in code that does not compile or warns.</summary>
public sealed class SnapshotTests
{
    public static TheoryData<string> ExampleRecipes()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestPaths.RecipeFiles())
            data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleRecipes))]
    public void Example(string fileName)
    {
        var (driver, output) = Run(new[] { Recipe(fileName, TestPaths.ReadRecipe(fileName)) });

        Assert.Empty(CompilerProblems(output));
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Snapshot.Verify(driver, Path.GetFileNameWithoutExtension(fileName));
    }

    [Fact]
    public void Recipe_with_errors()
    {
        var (driver, output) = Run(new[] { Recipe("broken.qrecipe", TestRecipes.Broken) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Empty_overrides()
    {
        var (driver, output) = Run(new[] { Recipe("empty.qrecipe", TestRecipes.EmptyOverrides) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Per_head_settings()
    {
        var (driver, output) = Run(new[] { Recipe("per_head.qrecipe", TestRecipes.PerHead) });

        Assert.Empty(CompilerProblems(output));
        Assert.DoesNotContain(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Snapshot.Verify(driver);
    }

    /// <summary>A description that tries to end its doc comment (U+2028, then a module initializer) and carries XML
    /// specials and a bidirectional override: QR0008 for the build, and a class whose comment and constant hold the
    /// text escaped.</summary>
    [Fact]
    public void Hostile_description()
    {
        var description = "safe\u2028} [System.Runtime.CompilerServices.ModuleInitializer] internal static void X() { System.Environment.Exit(42); } /* <b>&amp; \u202Eevil\u202C \u00b7";
        var text = TestRecipes.Tiny.Replace("recipe Tiny \"tiny custom DiT\"", "recipe Hostile \"" + description + "\"");
        var (driver, output) = Run(new[] { Recipe("hostile.qrecipe", text) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Missing_header_names_class_after_file()
    {
        var text = string.Join("\n", TestRecipes.Tiny.Split('\n').Where(l => !l.StartsWith("recipe ", System.StringComparison.Ordinal)));
        var (driver, output) = Run(new[] { Recipe("no-header_1.qrecipe", text) });

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void Namespace_from_property_and_file_metadata()
    {
        var perFile = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.IReadOnlyDictionary<string, string>>
        {
            [RecipePath("b.qrecipe")] = new System.Collections.Generic.Dictionary<string, string> { ["build_metadata.AdditionalFiles.QRecipeNamespace"] = "Lab.PerFile" },
        };
        var driver = CreateDriver(
            new[] { Recipe("a.qrecipe", TestRecipes.Tiny), Recipe("b.qrecipe", TestRecipes.PerHead) },
            Properties("Lab.Recipes"),
            perFile).RunGeneratorsAndUpdateCompilation(Compilation(), out var output, out _);

        Assert.Empty(CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("Lab.Recipes.Tiny"));
        Assert.NotNull(output.GetTypeByMetadataName("Lab.PerFile.PerHeadSmall"));
        Assert.NotNull(output.GetTypeByMetadataName("Lab.Recipes.QRecipeRegistry"));
        Snapshot.Verify(driver);
    }

    [Fact]
    public void CSharp73_project()
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp7_3);
        var compilation = Compilation().WithOptions(Compilation().Options.WithNullableContextOptions(NullableContextOptions.Disable));
        var driver = CreateDriver(new[] { Recipe("tiny.qrecipe", TestRecipes.Tiny) }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        Assert.Empty(CompilerProblems(output));
        Snapshot.Verify(driver);
    }
}
