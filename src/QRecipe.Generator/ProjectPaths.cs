using System;
using System.Text;

namespace QRecipe.Generator;

/// <summary>Machine-independent names for a recipe file: its project-relative path and its hint name.</summary>
internal static class ProjectPaths
{
    /// <summary>The path relative to the project directory with '/' separators; the path unchanged (with '/')
    /// when there is no project directory or the file is on another root.</summary>
    public static string Relative(string path, string projectDir)
    {
        var file = path.Replace('\\', '/');
        var dir = projectDir.Replace('\\', '/').TrimEnd('/');
        if (dir.Length == 0)
            return file;
        var fileParts = file.Split('/');
        var dirParts = dir.Split('/');
        var common = 0;
        while (common < dirParts.Length && common < fileParts.Length - 1 && string.Equals(dirParts[common], fileParts[common], StringComparison.Ordinal))
            common++;
        if (common == 0)
            return file;
        var builder = new StringBuilder();
        for (var i = common; i < dirParts.Length; i++)
            builder.Append("../");
        builder.Append(string.Join("/", fileParts, common, fileParts.Length - common));
        return builder.ToString();
    }

    /// <summary>A hint name from the relative path, so two files with the same name in different folders do not
    /// collide (AddSource throws on duplicates) and no absolute path leaks into output names.</summary>
    public static string HintName(string relativePath)
    {
        var builder = new StringBuilder(relativePath.Length + 5);
        foreach (var segment in relativePath.Split('/'))
        {
            if (builder.Length > 0)
                builder.Append('_');
            if (segment == "..")
            {
                builder.Append("up");
                continue;
            }
            foreach (var c in segment)
                builder.Append(char.IsLetterOrDigit(c) && c < 128 || c is '.' or '-' or '_' ? c : '_');
        }
        return builder.Append(".g.cs").ToString();
    }
}
