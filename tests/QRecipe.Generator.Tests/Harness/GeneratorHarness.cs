using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using QRecipe.Plan;

namespace QRecipe.Generator.Tests.Harness;

/// <summary>Runs the generator over in-memory recipes with fixed fake paths (/proj/...), so snapshots and
/// diagnostics do not depend on the machine.</summary>
internal static class GeneratorHarness
{
    public const string ProjectDir = "/proj/";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static string RecipePath(string fileName) => ProjectDir + "recipes/" + fileName;

    /// <summary>Framework assemblies of the test host plus QRecipe.Language, which generated code builds on.</summary>
    public static IReadOnlyList<MetadataReference> References { get; } =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Append(typeof(RecipePlan).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();

    /// <summary><see cref="References"/> plus QRecipe.Runtime: a project in which the classes get their pipeline members.</summary>
    public static IReadOnlyList<MetadataReference> RuntimeReferences { get; } =
        References.Append(MetadataReference.CreateFromFile(typeof(QRecipe.Runtime.Execution.RecipeRunner).Assembly.Location)).ToList();

    public static CSharpCompilation Compilation(params string[] sources) => Compilation(References, sources);

    public static CSharpCompilation Compilation(IReadOnlyList<MetadataReference> references, params string[] sources) => CSharpCompilation.Create(
        "Consumer",
        sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "/proj/User" + Array.IndexOf(sources, s) + ".cs")),
        references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static Dictionary<string, string> Properties(string? ns = null)
    {
        var properties = new Dictionary<string, string> { ["build_property.ProjectDir"] = ProjectDir };
        if (ns is not null)
            properties["build_property.QRecipeNamespace"] = ns;
        return properties;
    }

    public static GeneratorDriver CreateDriver(
        IEnumerable<AdditionalText> recipes,
        IReadOnlyDictionary<string, string>? properties = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? perFile = null,
        CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new RecipeGenerator().AsSourceGenerator() },
            recipes,
            parseOptions ?? ParseOptions,
            new TestOptionsProvider(properties ?? Properties(), perFile),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static AdditionalText Recipe(string fileName, string? text) => new InMemoryAdditionalText(RecipePath(fileName), text);

    /// <summary>Runs the generator over the recipes and returns the driver (for snapshots and run results) and the
    /// compilation with the generated sources added.</summary>
    public static (GeneratorDriver Driver, Compilation Output) Run(IEnumerable<AdditionalText> recipes, params string[] userSources)
    {
        var driver = CreateDriver(recipes).RunGeneratorsAndUpdateCompilation(Compilation(userSources), out var output, out _);
        return (driver, output);
    }

    /// <summary><see cref="Run"/> in a project that references QRecipe.Runtime.</summary>
    public static (GeneratorDriver Driver, Compilation Output) RunWithRuntime(IEnumerable<AdditionalText> recipes, params string[] userSources)
    {
        var driver = CreateDriver(recipes).RunGeneratorsAndUpdateCompilation(Compilation(RuntimeReferences, userSources), out var output, out _);
        return (driver, output);
    }

    /// <summary>Warnings and errors of the compilation, excluding QR diagnostics (those come from the generator run).</summary>
    public static IReadOnlyList<Diagnostic> CompilerProblems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
