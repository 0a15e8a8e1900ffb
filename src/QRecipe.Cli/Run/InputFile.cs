using System.IO;
using QRecipe.Plan.Text;

namespace QRecipe.Cli.Run;

/// <summary>Checks that a file named on the command line is there before any work or output starts.</summary>
internal static class InputFile
{
    /// <summary>True for an existing file; otherwise false after one line naming the option and the path (escaped).</summary>
    public static bool Exists(string option, string? path, TextWriter error)
    {
        if (path is null || File.Exists(path))
            return true;
        var name = SafeText.Escape(path);
        error.WriteLine(Directory.Exists(path) ? $"qrecipe: {option} {name} is a folder, not a file" : $"qrecipe: {option} {name}: no such file");
        return false;
    }
}
