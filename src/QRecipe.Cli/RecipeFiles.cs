using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Plan.Text;
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
            else if (File.Exists(path) && FileKind.Problem(path) is { } problem)
            {
                error.WriteLine($"qrecipe: {SafeText.Quote(path)} {problem}");
                ok = false;
            }
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

    /// <summary>The largest recipe file read, 1 MiB: the bundled recipes are under 4 kB, and a limit means a huge
    /// file or a device that never ends (<c>/dev/zero</c>) costs one line instead of all the memory there is.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Reads a recipe, reporting an unreadable file, one over <see cref="MaxBytes"/> or one that reads on
    /// past it (not a regular file) in one line instead of throwing.</summary>
    public static string? Read(string path, TextWriter error)
    {
        // Checked before opening: opening a named pipe waits for a writer (one found in a folder of recipes).
        if (FileKind.Problem(path) is { } problem)
            return Refuse(path, problem, error);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var reported = stream.Length;
            if (reported > MaxBytes)
                return Refuse(path, $"the file has {reported} bytes; a recipe may have at most {MaxBytes} (1 MiB)", error);
            // A device reports 0 bytes whatever it holds, so the limit is also applied to what is read.
            using var content = new MemoryStream((int)reported);
            var chunk = new byte[81920];
            int count;
            while ((count = stream.Read(chunk)) > 0)
            {
                if (content.Length + count > MaxBytes)
                {
                    return Refuse(path, $"not a regular file: it reports {reported} bytes and reads on past {MaxBytes}; a recipe is a regular file of at most {MaxBytes} bytes (1 MiB)",
                        error);
                }
                content.Write(chunk, 0, count);
            }
            content.Position = 0;
            // As File.ReadAllText decodes: UTF-8 unless a byte order mark says otherwise.
            using var reader = new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(path, $"cannot read the file: {SafeText.Escape(e.Message)}", error);
        }
    }

    private static string? Refuse(string path, string problem, TextWriter error)
    {
        error.WriteLine($"{SafeText.Escape(path)}: error QR0801: {problem}");
        return null;
    }

    /// <summary>Compiles one recipe file, printing its diagnostics. Returns the exit code to stop with (2 when the
    /// path is wrong, 1 when the recipe has errors) or 0 with the plan.</summary>
    public static int TryCompileOne(string path, TextWriter output, TextWriter error, out RecipePlan? plan, out RecipeCompilation? compilation) =>
        TryCompileOne(path, output, error, out plan, out compilation, out _);

    /// <summary>As above, also giving the recipe text the plan was compiled from (what an exported model's recipe
    /// hash is of).</summary>
    public static int TryCompileOne(string path, TextWriter output, TextWriter error, out RecipePlan? plan, out RecipeCompilation? compilation, out string? text)
    {
        plan = null;
        compilation = null;
        text = null;
        if (!TryExpand(new[] { path }, error, out var files))
            return CliApp.UsageError;
        if (files.Count != 1)
        {
            error.WriteLine($"qrecipe: {SafeText.Quote(path)} names {files.Count} recipes; pass one .qrecipe file");
            return CliApp.UsageError;
        }
        text = Read(files[0], error);
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
