using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Plan;

namespace QRecipe.Language.Tests;

/// <summary>Compiles recipe snippets against a fixed three-line header and finds the example recipes.</summary>
internal static class Snippets
{
    /// <summary>DiT-XL/2 (28 blocks, 16 heads, hidden 1152) with a 50-step sampler; a snippet's first line is line 4.</summary>
    public const string Header = "recipe T\nmodel dit-xl/2\nsampler ddpm steps 50\n";

    public static RecipeCompilation Compile(string text) => RecipeCompiler.Compile(text, "t.qrecipe");

    public static RecipeCompilation CompileBody(string body) => Compile(Header + body);

    /// <summary>Compiles a snippet that must have no errors and returns its plan.</summary>
    public static RecipePlan Plan(string body)
    {
        var compilation = CompileBody(body);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    public static IEnumerable<Diagnostic> Errors(RecipeCompilation compilation) => compilation.Diagnostics.Where(d => d.IsError);

    public static string RepositoryRoot { get; } = FindRoot();

    public static IReadOnlyList<string> RecipeFiles { get; } =
        Directory.GetFiles(Path.Combine(RepositoryRoot, "recipes"), "*.qrecipe").OrderBy(p => p, StringComparer.Ordinal).ToArray();

    public static string ReadRecipe(string name) => File.ReadAllText(Path.Combine(RepositoryRoot, "recipes", name));

    /// <summary>Offsets where each line starts, counted here independently of the compiler's line index: after
    /// "\r\n", "\n" or a lone "\r", as editors break lines.</summary>
    public static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        var index = 0;
        // Split tries the separators in order, so "\r\n" is one break, not two.
        foreach (var line in text.Split(new[] { "\r\n", "\n", "\r" }, StringSplitOptions.None).SkipLast(1))
        {
            index += line.Length;
            index += string.CompareOrdinal(text, index, "\r\n", 0, 2) == 0 ? 2 : 1;
            starts.Add(index);
        }
        return starts.ToArray();
    }

    /// <summary>One-based line and column of an offset, given <see cref="LineStarts"/>.</summary>
    public static (int Line, int Column) Position(int[] lineStarts, int offset)
    {
        var index = Array.BinarySearch(lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - lineStarts[line] + 1);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QRecipe.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("QRecipe.sln not found above " + AppContext.BaseDirectory);
    }
}
