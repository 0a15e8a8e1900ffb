using System;
using System.IO;
using QRecipe.Language;
using QRecipe.Plan;

namespace QRecipe.Cli.Tests.Interop;

/// <summary>The hand-written files of tests/QRecipe.Cli.Tests/Interop/Data and the two-block model they were written for.</summary>
internal static class InteropFiles
{
    public const string TwoBlocks = "custom { depth 2 hidden 1152 heads 16 patch 2 latent 32 }";

    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", "Data", name);

    /// <summary>Imports with the CLI and compiles the recipe it wrote: the plan, and the diagnostics on standard error.</summary>
    public static (RecipePlan Plan, string Recipe, string Error) Import(TempFolder folder, params string[] args)
    {
        var recipe = folder.File("imported.qrecipe");
        var (code, _, error) = CliRunner.Run([.. args, "--out", recipe]);
        Assert.True(code == 0, error);
        var text = File.ReadAllText(recipe);
        var compilation = RecipeCompiler.Compile(text, recipe);
        Assert.Empty(compilation.Diagnostics); // checks clean: no error and no warning
        return (compilation.Plan!, recipe, error);
    }
}
