using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using QRecipe.Plan.Text;

namespace QRecipe.Interop.Ditas;

/// <summary>The assignments of a DiTAS <c>config.py</c>, read as text: <c>NAME = literal</c> lines with a number, a
/// string, True, False or None. Nothing is executed; any other line is returned for the importer to report.</summary>
public static partial class DitasConfig
{
    public const long MaxBytes = 1L << 20;

    public sealed record Assignment(string Name, string Value, int Line);

    public static (List<Assignment> Assignments, List<int> OtherLines) ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxBytes)
            throw new InteropException($"{path}: the file is {info.Length} bytes; import reads DiTAS configs of at most {MaxBytes} bytes (1 MiB)");
        return Read(File.ReadAllText(path), path);
    }

    public static (List<Assignment> Assignments, List<int> OtherLines) Read(string text, string path)
    {
        var assignments = new List<Assignment>();
        var others = new List<int>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = StripComment(lines[i]).Trim();
            if (line.Length == 0)
                continue;
            var match = AssignmentPattern().Match(line);
            if (!match.Success)
            {
                others.Add(i + 1);
                continue;
            }
            var name = match.Groups[1].Value;
            if (assignments.Exists(a => a.Name == name))
                throw new InteropException($"{path}: line {i + 1}: {SafeText.Escape(name, 60)} is assigned twice");
            assignments.Add(new Assignment(name, match.Groups[2].Value, i + 1));
        }
        return (assignments, others);
    }

    /// <summary>An integer value, or an error naming the line.</summary>
    public static int Integer(Assignment assignment, string path) =>
        int.TryParse(assignment.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InteropException($"{path}: line {assignment.Line}: {assignment.Name} = {SafeText.Escape(assignment.Value, 40)} is not a whole number");

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
            }
            else if (c is '\'' or '"')
                quote = c;
            else if (c == '#')
                return line[..i];
        }
        return line;
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|'[^'\\]*'|""[^""\\]*""|True|False|None)$")]
    private static partial Regex AssignmentPattern();
}
