using System.Collections.Generic;
using System.IO;

namespace QRecipe.Cli.Run;

/// <summary>Writes a compute device's description or report lines to the console and, when given, the run's log.</summary>
internal static class DeviceLines
{
    public static void Write(IEnumerable<string> lines, TextWriter output, TextWriter? log = null)
    {
        foreach (var line in lines)
        {
            output.WriteLine(line);
            log?.WriteLine(line);
        }
    }
}
