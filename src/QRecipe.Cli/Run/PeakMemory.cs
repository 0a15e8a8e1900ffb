using System.Diagnostics;

namespace QRecipe.Cli.Run;

/// <summary>The process's peak resident memory so far (Linux: VmHWM of /proc/self/status; Windows: the peak working
/// set), which every run report records: the whole run's high-water mark, weights, statistics and buffers included.</summary>
internal static class PeakMemory
{
    public static long Bytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
