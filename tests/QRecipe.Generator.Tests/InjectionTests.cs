using System.Linq;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using QRecipe.Generator.Emit;
using QRecipe.Generator.Model;
using QRecipe.Generator.Tests.Harness;
using QRecipe.Plan;
using static QRecipe.Generator.Tests.Harness.GeneratorHarness;
using LanguageDiagnostic = QRecipe.Language.Diagnostics.Diagnostic;

namespace QRecipe.Generator.Tests;

/// <summary>
/// Text from a recipe (its description, its file name) must stay text in the generated C#: C# ends a <c>//</c> or
/// <c>///</c> comment at any of \r, \n, U+0085, U+2028 and U+2029, so a description that carries one of them must
/// not turn what follows into code. Every generated file is compiled with documentation comments checked, and the
/// syntax trees are searched for the payload's method, class and attribute.
/// </summary>
public sealed class InjectionTests
{
    /// <summary>The payload of the issue: close the namespace, declare a module initializer, comment out the rest.</summary>
    private const string ClosingPayload =
        "} [System.Runtime.CompilerServices.ModuleInitializer] internal static void X() { System.Environment.Exit(42); } /*";

    /// <summary>A payload that, once out of the comment, compiles cleanly: a class whose module initializer would run
    /// in every program that references the assembly; the second terminator and <c>//</c> hide the comment's tail.</summary>
    private static string CompilingPayload(string terminator) =>
        "internal static class Evil { [System.Runtime.CompilerServices.ModuleInitializer] internal static void X() { System.Environment.Exit(42); } }"
        + terminator + "//";

    private static readonly CSharpParseOptions DocumentedParseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>The characters that a recipe string can hold and that end a C# comment line.</summary>
    public static TheoryData<string, int> RecipeTerminators() => new()
    {
        { "\u0085", 0 }, { "\u2028", 0 }, { "\u2029", 0 },
        { "\u0085", 1 }, { "\u2028", 1 }, { "\u2029", 1 },
    };

    /// <summary>Every C# line terminator, including those the language cannot carry in a string (\r, \n): the
    /// emitter must be safe on its own, whatever text reaches it.</summary>
    public static TheoryData<string, int> AllTerminators()
    {
        var data = new TheoryData<string, int>();
        foreach (var terminator in new[] { "\r", "\n", "\r\n", "\u0085", "\u2028", "\u2029" })
        {
            data.Add(terminator, 0);
            data.Add(terminator, 1);
        }
        return data;
    }

    private static string Payload(string terminator, int kind) => kind == 0 ? ClosingPayload : CompilingPayload(terminator);

    [Theory]
    [MemberData(nameof(RecipeTerminators))]
    public void A_description_cannot_escape_its_doc_comment(string terminator, int payload)
    {
        var description = "safe" + terminator + Payload(terminator, payload);
        var text = TestRecipes.Tiny.Replace("recipe Tiny \"tiny custom DiT\"", "recipe Hostile \"" + description + "\"");
        var driver = CreateDriver(new[] { Recipe("hostile.qrecipe", text) }, parseOptions: DocumentedParseOptions)
            .RunGeneratorsAndUpdateCompilation(Compilation(), out var output, out _);

        AssertNoPayload(output);
        Assert.Empty(CompilerProblems(output));
        AssertDescriptionSurvives(output, "QRecipe.Recipes.Hostile", description);
        // The language refuses the character where it stands: line 2, after `recipe Hostile "safe`.
        var refused = Assert.Single(driver.GetRunResult().Diagnostics);
        Assert.Equal("QR0008", refused.Id);
        Assert.Equal(DiagnosticSeverity.Error, refused.Severity);
        Assert.Equal(RecipePath("hostile.qrecipe"), refused.Location.GetLineSpan().Path);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 20), refused.Location.GetLineSpan().StartLinePosition);
    }

    [Theory]
    [MemberData(nameof(AllTerminators))]
    public void The_emitter_keeps_any_description_inside_its_comment_and_constant(string terminator, int payload)
    {
        var description = "a \"quoted\" \\ <b>&amp;" + terminator + Payload(terminator, payload);
        var model = new RecipeModel(RecipePath("hostile.qrecipe"), "recipes/hostile.qrecipe", "hostile.g.cs", "QRecipe.Recipes", "Hostile",
            description, default, default, null, EquatableArray<LanguageDiagnostic>.Empty, ModernSyntax: true);
        var source = RecipeEmitter.Emit(model, runtime: false).Text;
        var output = Compilation().AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, DocumentedParseOptions, path: "/proj/hostile.g.cs"));

        AssertNoPayload(output);
        Assert.Empty(CompilerProblems(output));
        AssertDescriptionSurvives(output, "QRecipe.Recipes.Hostile", description);
    }

    [Theory]
    [InlineData("\u2028")]
    [InlineData("\n")]
    public void A_file_name_cannot_escape_the_header_comment(string terminator)
    {
        // File names may hold any character but '/' and NUL; this one ends the "Generated from" comment and the
        // <remarks> doc line, declares a class, and comments out the rest of the line.
        var relative = "recipes/a" + terminator + "internal class X { }" + terminator + "//.qrecipe";
        var driver = CreateDriver(new[] { new InMemoryAdditionalText(ProjectDir + relative, TestRecipes.Tiny) }, parseOptions: DocumentedParseOptions)
            .RunGeneratorsAndUpdateCompilation(Compilation(), out var output, out _);

        AssertNoPayload(output);
        Assert.Empty(CompilerProblems(output));
        Assert.Empty(driver.GetRunResult().Diagnostics);
        var tiny = output.GetTypeByMetadataName("QRecipe.Recipes.Tiny")!;
        Assert.Equal(relative, tiny.GetMembers("SourcePath").OfType<IFieldSymbol>().Single().ConstantValue);
        Assert.Equal("Generated from " + relative + ".", XElement.Parse(tiny.GetDocumentationCommentXml()!).Element("remarks")!.Value);
    }

    [Fact]
    public void Line_directives_name_the_recipe_path_verbatim()
    {
        // The compiler reads a #line file name without escape sequences: backslashes and non-ASCII letters are
        // written as they are, or C# errors would point at a file that does not exist.
        var path = ProjectDir + "recipes/back\\slash \u00e9t\u00e9 \u4e2d.qrecipe";
        var error = CollidingTypeError(path);

        Assert.Equal(path, error.Location.GetMappedLineSpan().Path);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(1, 7), error.Location.GetMappedLineSpan().StartLinePosition);
    }

    [Theory]
    [InlineData("q\"uote")]
    [InlineData("line\u2028separator")]
    [InlineData("new\nline")]
    [InlineData("bidi\u202eoverride")]
    public void A_path_a_line_directive_cannot_hold_is_not_mapped(string name)
    {
        // A quote would end the file name and a line terminator the directive; such a recipe's C# errors stay in
        // the generated file, which is still valid C#.
        var error = CollidingTypeError(ProjectDir + "recipes/" + name + ".qrecipe");

        Assert.False(error.Location.GetMappedLineSpan().HasMappedPath);
        Assert.EndsWith(".g.cs", error.Location.GetMappedLineSpan().Path);
    }

    /// <summary>Compiles the tiny recipe at <paramref name="path"/> next to a user type with its name and returns
    /// the one error of the compilation, CS0101.</summary>
    private static Diagnostic CollidingTypeError(string path)
    {
        CreateDriver(new[] { new InMemoryAdditionalText(path, TestRecipes.Tiny) })
            .RunGeneratorsAndUpdateCompilation(Compilation("namespace QRecipe.Recipes { struct Tiny { } }"), out var output, out _);
        var error = Assert.Single(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0101", error.Id);
        return error;
    }

    /// <summary>No declaration, local function or attribute of a payload anywhere in the compilation.</summary>
    private static void AssertNoPayload(Compilation output)
    {
        var nodes = output.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes()).ToList();
        Assert.DoesNotContain(nodes, n => n is MethodDeclarationSyntax { Identifier.Text: "X" } or LocalFunctionStatementSyntax { Identifier.Text: "X" });
        Assert.DoesNotContain(nodes, n => n is BaseTypeDeclarationSyntax { Identifier.Text: "X" or "Evil" });
        Assert.DoesNotContain(nodes, n => n is AttributeSyntax attribute && attribute.Name.ToString().Contains("ModuleInitializer"));
        Assert.Empty(output.GetSymbolsWithName(name => name is "X" or "Evil", SymbolFilter.All));
    }

    /// <summary>The class's summary reads back as the description, and so does its Description constant.</summary>
    private static void AssertDescriptionSurvives(Compilation output, string className, string description)
    {
        var type = output.GetTypeByMetadataName(className);
        Assert.NotNull(type);
        var summary = XElement.Parse(type!.GetDocumentationCommentXml()!).Element("summary")!.Value;
        Assert.Equal(description, summary);
        Assert.Equal(description, type.GetMembers("Description").OfType<IFieldSymbol>().Single().ConstantValue);
    }
}
