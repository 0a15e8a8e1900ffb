using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language;
using QRecipe.Language.Plan;
using QRecipe.Language.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli;

/// <summary>Expands command-line paths (files or folders) into the <c>.qrecipe</c> files they name.</summary>
internal static class RecipeFiles
{
    public static bool TryExpand(IEnumerable<string> paths, TextWriter error, out List<string> files)
    {
        files = new List<string>();
        var ok = true;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path, "*.qrecipe", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal));
            else if (File.Exists(path))
                files.Add(path);
            else
            {
                error.WriteLine($"qrecipe: {SafeText.Quote(path)} does not exist (expected a .qrecipe file or a folder of them)");
                ok = false;
            }
        }
        if (ok && files.Count == 0)
        {
            error.WriteLine("qrecipe: no .qrecipe files found in " + ShortList.Join(", ", paths, format: SafeText.Escape));
            ok = false;
        }
        return ok;
    }

    /// <summary>Reads a recipe, reporting an unreadable file instead of throwing.</summary>
    public static string? Read(string path, TextWriter error)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{SafeText.Escape(path)}: error QR0801: cannot read the file: {SafeText.Escape(e.Message)}");
            return null;
        }
    }

    /// <summary>Compiles one recipe file, printing its diagnostics. Returns the exit code to stop with (2 when the
    /// path is wrong, 1 when the recipe has errors) or 0 with the plan.</summary>
    public static int TryCompileOne(string path, TextWriter output, TextWriter error, out RecipePlan? plan, out RecipeCompilation? compilation)
    {
        plan = null;
        compilation = null;
        if (!TryExpand(new[] { path }, error, out var files))
            return CliApp.UsageError;
        if (files.Count != 1)
        {
            error.WriteLine($"qrecipe: {SafeText.Quote(path)} names {files.Count} recipes; pass one .qrecipe file");
            return CliApp.UsageError;
        }
        var text = Read(files[0], error);
        if (text is null)
            return CliApp.RecipeErrors;
        compilation = RecipeCompiler.Compile(text, files[0]);
        foreach (var diagnostic in compilation.Diagnostics)
            (diagnostic.IsError ? error : output).WriteLine(diagnostic);
        plan = compilation.Plan;
        return plan is null ? CliApp.RecipeErrors : 0;
    }

    /// <summary>Replaces a file's content atomically (<see cref="AtomicFile"/>: a crash leaves either the old or the
    /// new text, links and permissions are kept, the temporary file is removed on failure).</summary>
    public static void WriteAtomically(string path, string text) => AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAtomically(string path, byte[] bytes) => AtomicFile.Write(path, bytes);
}
