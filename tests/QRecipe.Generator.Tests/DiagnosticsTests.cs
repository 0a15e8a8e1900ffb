using System.Linq;
using Microsoft.CodeAnalysis;
using QRecipe.Language;
using QRecipe.Language.Diagnostics;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;
using DiagnosticSeverity = Microsoft.CodeAnalysis.DiagnosticSeverity;
using LanguageSeverity = QRecipe.Language.Diagnostics.DiagnosticSeverity;

namespace QRecipe.Generator.Tests;

/// <summary>Language diagnostics reach the compiler unchanged and located in the .qrecipe file; recipes with
/// errors still give user code a class to bind to; #line maps C# errors back into the recipe.</summary>
public sealed class DiagnosticsTests
{
    [Fact]
    public void Every_language_diagnostic_is_reported_with_its_id_severity_message_and_position()
    {
        var path = RecipePath("broken.qrecipe");
        var expected = RecipeCompiler.Compile(TestRecipes.Broken, path).Diagnostics;
        var (driver, _) = Run(new[] { Recipe("broken.qrecipe", TestRecipes.Broken) });
        var reported = driver.GetRunResult().Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();

        Assert.Equal(3, expected.Count);
        Assert.Equal(expected.Count, reported.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (language, roslyn) = (expected[i], reported[i]);
            var line = roslyn.Location.GetLineSpan();
            Assert.Equal(language.Id, roslyn.Id);
            Assert.Equal(language.Message, roslyn.GetMessage());
            Assert.Equal(language.Severity == LanguageSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, roslyn.Severity);
            Assert.Equal(path, line.Path);
            Assert.Equal(language.Span.Line - 1, line.StartLinePosition.Line);
            Assert.Equal(language.Span.Column - 1, line.StartLinePosition.Character);
            Assert.Equal(language.Span.EndLine - 1, line.EndLinePosition.Line);
            Assert.Equal(language.Span.EndColumn - 1, line.EndLinePosition.Character);
            Assert.Equal(language.Span.Start, roslyn.Location.SourceSpan.Start);
            Assert.Equal(language.Span.Length, roslyn.Location.SourceSpan.Length);
            Assert.Equal(language.ToString(), roslyn.ToString());
        }
    }

    [Fact]
    public void Diagnostics_print_msbuild_style_in_the_recipe_file()
    {
        var (driver, _) = Run(new[] { Recipe("broken.qrecipe", TestRecipes.Broken) });
        var first = driver.GetRunResult().Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).First();

        Assert.StartsWith("/proj/recipes/broken.qrecipe(5,9): error QR0400: weight bit width int9", first.ToString());
        Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, first.Descriptor.CustomTags);
        Assert.Equal("QR0400", first.Descriptor.Id);
        Assert.Equal("docs/diagnostics.md#qr0400", first.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void Every_catalog_descriptor_converts()
    {
        foreach (var descriptor in DiagnosticCatalog.All)
        {
            var diagnostic = DiagnosticReporter.ToRoslyn(new QRecipe.Language.Diagnostics.Diagnostic(descriptor, "message", "/proj/x.qrecipe", default));
            Assert.Equal(descriptor.Id, diagnostic.Id);
            Assert.Equal(descriptor.Title, diagnostic.Descriptor.Title.ToString());
        }
    }

    [Fact]
    public void Duplicate_recipe_names_across_files_are_QR0800_at_the_later_file()
    {
        var (driver, _) = Run(new[] { Recipe("b.qrecipe", TestRecipes.Tiny), Recipe("a.qrecipe", TestRecipes.Tiny) });
        var duplicate = Assert.Single(driver.GetRunResult().Diagnostics);

        Assert.Equal(DiagnosticCatalog.DuplicateRecipeName.Id, duplicate.Id);
        Assert.Equal(DiagnosticSeverity.Error, duplicate.Severity);
        Assert.Equal(RecipePath("b.qrecipe"), duplicate.Location.GetLineSpan().Path);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 7), duplicate.Location.GetLineSpan().StartLinePosition);
        Assert.Contains("'/proj/recipes/a.qrecipe'", duplicate.GetMessage());
    }

    [Fact]
    public void Unreadable_file_is_QR0801_and_still_gets_a_class()
    {
        var (driver, output) = Run(new[] { Recipe("lost_recipe.qrecipe", null) }, "class User { object P => QRecipe.Recipes.LostRecipe.Instance; }");
        var unreadable = Assert.Single(driver.GetRunResult().Diagnostics);

        Assert.Equal(DiagnosticCatalog.UnreadableFile.Id, unreadable.Id);
        Assert.Equal(RecipePath("lost_recipe.qrecipe"), unreadable.Location.GetLineSpan().Path);
        Assert.Empty(CompilerProblems(output));
    }

    [Fact]
    public void User_code_referencing_a_recipe_with_errors_does_not_cascade()
    {
        const string user = """
            using QRecipe.Recipes;
            class User
            {
                QRecipe.Plan.IQuantRecipe Recipe => Broken.Instance;
                int Stream => Broken.QkStream(new QRecipe.Plan.Step(0), new QRecipe.Plan.Block(0), 1) + Broken.QkvSc(new QRecipe.Plan.Step(1), new QRecipe.Plan.Block(0)).Stream;
                QRecipe.Plan.WeightQuant Weights => Broken.Fc1Weights(new QRecipe.Plan.Block(3));
                object Plan => Broken.Plan;
            }
            """;
        var (driver, output) = Run(new[] { Recipe("broken.qrecipe", TestRecipes.Broken) }, user);

        Assert.Contains(driver.GetRunResult().Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("QR"));
        Assert.Empty(CompilerProblems(output));
    }

    [Fact]
    public void Csharp_errors_on_the_recipe_name_map_back_to_the_recipe()
    {
        // A user type with the recipe's name: CS0101 is reported at the name in the .qrecipe file.
        var (_, output) = Run(new[] { Recipe("tiny.qrecipe", TestRecipes.Tiny) }, "namespace QRecipe.Recipes { struct Tiny { } }");
        var error = Assert.Single(output.GetDiagnostics(), d => d.Id == "CS0101");
        var mapped = error.Location.GetMappedLineSpan();

        Assert.Equal(RecipePath("tiny.qrecipe"), mapped.Path);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 7), mapped.StartLinePosition);
        Assert.StartsWith("/proj/recipes/tiny.qrecipe(2,8): error CS0101", error.ToString());
    }
}

public sealed class ReservedNameTests
{
    [Theory]
    [InlineData("Plan")]
    [InlineData("Instance")]
    [InlineData("Qkv")]
    [InlineData("QkStream")]
    [InlineData("QRecipeRegistry")]
    public void A_recipe_named_like_a_generated_member_is_QR0101_at_its_name(string name)
    {
        var text = TestRecipes.Tiny.Replace("recipe Tiny", "recipe " + name);
        var (driver, output) = Run(new[] { Recipe("tiny.qrecipe", text) });
        var error = Assert.Single(driver.GetRunResult().Diagnostics);

        Assert.Equal(DiagnosticCatalog.InvalidRecipeName.Id, error.Id);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 7), error.Location.GetLineSpan().StartLinePosition);
        Assert.Contains($"'{name}'", error.GetMessage());
        Assert.Empty(CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("QRecipe.Recipes.Tiny"));
    }

    [Fact]
    public void Reserved_names_cover_every_member_of_a_generated_class()
    {
        // With the runtime referenced, so the pipeline members are there too; fmnist's model adds BundledSettings.
        var (_, output) = RunWithRuntime(new[] { Recipe("tiny.qrecipe", TestRecipes.Tiny.Replace("model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }", "model fmnist-dit/4")) });
        var members = output.GetTypeByMetadataName("QRecipe.Recipes.Tiny")!.GetMembers()
            .Where(m => m.CanBeReferencedByName)
            .Select(m => m.Name)
            .Distinct();

        Assert.All(members, name => Assert.Contains(name, ClassNames.Reserved));
        Assert.Contains(output.GetTypeByMetadataName("QRecipe.Recipes.QRecipeRegistry")!.Name, ClassNames.Reserved);
    }
}
