using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace QRecipe.Generator.Model;

/// <summary>One <c>.qrecipe</c> file as plain values: its path, its text (null when it cannot be read) and its
/// per-file <c>QRecipeNamespace</c> metadata.</summary>
internal sealed record RecipeInput(string Path, string? Text, string? Namespace)
{
    public static RecipeInput Read(AdditionalText file, AnalyzerConfigOptions options, CancellationToken cancellationToken)
    {
        options.TryGetValue("build_metadata.AdditionalFiles.QRecipeNamespace", out var ns);
        var text = file.GetText(cancellationToken)?.ToString();
        return new RecipeInput(file.Path, text, string.IsNullOrWhiteSpace(ns) ? null : ns!.Trim());
    }
}
