using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace QRecipe.Cli.Run;

/// <summary><c>results/NNN-recipe/</c>: the next free number under the output root, created up front so the log can
/// be written while the run goes; every file in it is written atomically.</summary>
internal static class ResultsFolder
{
    /// <summary>The highest number a result folder gets; at it, a run is refused instead of wrapping around.</summary>
    public const int LastNumber = int.MaxValue;

    public static string Create(string root, string recipeName)
    {
        Directory.CreateDirectory(root);
        // Only folders named exactly as this class names them count: anything else in the root (a file, a folder
        // with a longer or non-ASCII number) is someone else's and neither stops nor steers the numbering.
        var last = Directory.EnumerateDirectories(root)
            .Select(d => Number(Path.GetFileName(d)))
            .DefaultIfEmpty(0)
            .Max();
        // Another run may take the same number at the same moment: CreateDirectory succeeds on an existing folder,
        // so claim the name with a marker file that only one process can create.
        for (var number = last; number < LastNumber;)
        {
            number++;
            var folder = Path.Combine(root, Name(number, recipeName));
            if (File.Exists(folder))
                continue;
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
        throw new IOException($"result folder numbers in {root} have reached {LastNumber}, the highest; move or rename the old result folders");
    }

    /// <summary>The folder name of result <paramref name="number"/>: at least three digits.</summary>
    public static string Name(int number, string recipeName) => number.ToString("000", CultureInfo.InvariantCulture) + "-" + recipeName;

    /// <summary>The number of a folder this class could have made, or 0 for any other name.</summary>
    public static int Number(string name)
    {
        var dash = name.IndexOf('-');
        if (dash < 3 || dash == name.Length - 1 || !name[..dash].All(char.IsAsciiDigit))
            return 0;
        if (!int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            return 0;
        // "0001-x" or "01234-x" is not a name this class writes (it pads to three digits only).
        return Name(number, string.Empty) == name[..(dash + 1)] ? number : 0;
    }
}
