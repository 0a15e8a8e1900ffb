using System.Diagnostics;

namespace QRecipe.Runtime.Execution;

/// <summary>The process's peak resident memory so far (Linux: VmHWM of /proc/self/status; Windows: the peak working
/// set), which every run report and the memory benchmarks record: the high-water mark of whatever allocated it
/// (managed heap, native pools, a peer's arena, mapped files that were touched).</summary>
public static class PeakMemory
{
    public static long Bytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
