using System;
using System.IO;
using System.Linq;

namespace QRecipe.Benchmarks;

/// <summary>The process's peak resident set (VmHWM of /proc/self/status) in MiB: what the kernel counted, whoever
/// allocated it (managed heap, native pools, ONNX Runtime's arena, mapped files that were touched).</summary>
internal static class ProcessPeak
{
    public static double MiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("/proc/self/status has no VmHWM line");
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) / 1024.0;
    }
}
