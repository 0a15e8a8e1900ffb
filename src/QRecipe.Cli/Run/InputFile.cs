using System.IO;
using QRecipe.Plan.Text;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run;

/// <summary>Checks that a file named on the command line is there, and is a regular file, before any work or output
/// starts. Every input the CLI reads goes through here first (recipes through <see cref="RecipeFiles"/>), so a named
/// pipe, which would block the open until something writes to it, or a device is refused in one line.</summary>
internal static class InputFile
{
    /// <summary>True for an existing regular file (or a link to one); otherwise false after one line naming the option
    /// and the path (escaped).</summary>
    public static bool Exists(string option, string? path, TextWriter error)
    {
        if (path is null)
            return true;
        var name = SafeText.Escape(path);
        if (Directory.Exists(path))
            error.WriteLine($"qrecipe: {option} {name} is a folder, not a file");
        else if (!File.Exists(path))
            error.WriteLine($"qrecipe: {option} {name}: no such file");
        else if (FileKind.Problem(path) is { } problem)
            error.WriteLine($"qrecipe: {option} {name} {problem}");
        else
            return true;
        return false;
    }
}
