using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace QRecipe.Generator.Model;

/// <summary>The MSBuild properties the generator reads (build/QRecipe.Generator.props makes them visible) and the
/// one fact about the C# language version the emitter needs.</summary>
/// <param name="ModernSyntax">C# 10 or later: enhanced <c>#line</c> directives (column mapping) and nullable
/// annotations; older projects (netstandard2.0 defaults to C# 7.3) get plain <c>#line</c> and no annotations.</param>
internal sealed record GeneratorOptions(string ProjectDir, string Namespace, bool ModernSyntax)
{
    public const string DefaultNamespace = "QRecipe.Recipes";

    public static GeneratorOptions Read(AnalyzerConfigOptions options, ParseOptions parseOptions)
    {
        options.TryGetValue("build_property.ProjectDir", out var projectDir);
        options.TryGetValue("build_property.QRecipeNamespace", out var ns);
        return new GeneratorOptions(
            projectDir ?? string.Empty,
            string.IsNullOrWhiteSpace(ns) ? DefaultNamespace : ns!.Trim(),
            parseOptions is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp10 });
    }
}
