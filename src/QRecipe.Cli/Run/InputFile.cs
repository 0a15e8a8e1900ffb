using System.IO;

namespace QRecipe.Cli.Run;

/// <summary>Checks that a file named on the command line is there before any work or output starts.</summary>
internal static class InputFile
{
    /// <summary>True for an existing file; otherwise false after one line naming the option and the path.</summary>
    public static bool Exists(string option, string? path, TextWriter error)
    {
        if (path is null || File.Exists(path))
            return true;
        error.WriteLine(Directory.Exists(path) ? $"qrecipe: {option} {path} is a folder, not a file" : $"qrecipe: {option} {path}: no such file");
        return false;
    }
}
