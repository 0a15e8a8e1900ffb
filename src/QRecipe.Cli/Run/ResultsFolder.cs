using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace QRecipe.Cli.Run;

/// <summary><c>results/NNN-recipe/</c>: the next free number under the output root, created up front so the log can
/// be written while the run goes; every file in it is written atomically.</summary>
internal static class ResultsFolder
{
    public static string Create(string root, string recipeName)
    {
        Directory.CreateDirectory(root);
        var next = Directory.EnumerateDirectories(root)
            .Select(d => Regex.Match(Path.GetFileName(d), @"^(\d+)-"))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max() + 1;
        // Another run may take the same number at the same moment: CreateDirectory succeeds on an existing folder,
        // so claim the name with a marker file that only one process can create.
        for (; ; next++)
        {
            var folder = Path.Combine(root, $"{next:000}-{recipeName}");
            Directory.CreateDirectory(folder);
            try
            {
                using (new FileStream(Path.Combine(folder, "log.txt"), FileMode.CreateNew))
                {
                }
                return folder;
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, "log.txt")))
            {
            }
        }
    }
}
