using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace QRecipe.Generator.Tests.Harness;

/// <summary>Where the test project, its snapshots and the repository's recipes are.</summary>
internal static class TestPaths
{
    public static string ProjectDirectory { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ProjectDirectory").Value
        ?? throw new InvalidOperationException("ProjectDirectory metadata missing");

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(ProjectDirectory, "..", ".."));

    public static string Snapshots { get; } = Path.Combine(ProjectDirectory, "Snapshots");

    public static string RecipesDirectory { get; } = Path.Combine(RepositoryRoot, "recipes");

    /// <summary>File names of the example recipes, sorted.</summary>
    public static string[] RecipeFiles() =>
        Directory.GetFiles(RecipesDirectory, "*.qrecipe").Select(p => Path.GetFileName(p)!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    public static string ReadRecipe(string fileName) => File.ReadAllText(Path.Combine(RecipesDirectory, fileName));
}
