using System.IO;
using QRecipe.Runtime.Execution;

namespace QRecipe.Cli.Output;

/// <summary>The refusal of a command whose memory estimate exceeds what this machine has available: one line naming
/// the settings, the estimate and its parts, and what is available (the caller exits 1).</summary>
internal static class MemoryCheck
{
    /// <summary>True when <paramref name="bytes"/> fits; otherwise false after the line
    /// "qrecipe: SETTINGS needs at least X (PARTS); Y is available".</summary>
    public static bool Fits(string settings, double bytes, string parts, TextWriter error)
    {
        var available = RunMemoryEstimate.Available();
        if (bytes <= available)
            return true;
        error.WriteLine($"qrecipe: {settings} needs at least {RunMemoryEstimate.Format(bytes)} ({parts}); {RunMemoryEstimate.Format(available)} is available");
        return false;
    }
}
