using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace QRecipe.Cli.Tests;

/// <summary>Ctrl-C (SIGINT; SIGTERM likewise) during sampling, on the built CLI as a process: exit 130, the log says how far the run got,
/// and no result file exists half-written.</summary>
public sealed class RunCancellationTests
{
    [Fact]
    public void Interrupt_during_sampling_leaves_only_a_complete_log()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var recipe = folder.File("slow.qrecipe",
            "recipe Slow\nmodel custom { depth 4 hidden 64 heads 2 patch 2 latent 16 classes 10 }\nsampler ddpm steps 200\nweights int8\nactivations int8 on all\nsc precision 8 {\n  qk, av stream 256\n}\n");
        var results = Path.Combine(folder.Path, "results");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "qrecipe.dll"), "run", recipe, "--synthetic", "--samples", "1", "--out", results })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var log = Path.Combine(results, "001-Slow", "log.txt");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!(File.Exists(log) && File.ReadAllText(log).Contains("sampling 2/200")))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
                Assert.Fail("the run did not reach step 2: " + process.StandardError.ReadToEnd());
            Thread.Sleep(50);
        }
        var signal = InterruptSignal();
        var killed = Kill(process.Id, signal);
        Assert.True(killed == 0, $"kill({process.Id}, {signal}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        Assert.True(process.WaitForExit(60_000), "the run did not stop after SIGINT");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cancelled", process.StandardError.ReadToEnd());
        // Acknowledged at once, on the console and in the log, before the run stops.
        Assert.Contains("stopping after the current product of the forward pass (Ctrl-C received)", process.StandardOutput.ReadToEnd());
        Assert.Contains("stopping after the current product of the forward pass", File.ReadAllText(log));
        Assert.Contains("cancelled by the user", File.ReadAllText(log));
        var files = Directory.GetFiles(Path.GetDirectoryName(log)!).Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "log.txt" }, files);
    }

    /// <summary>SIGINT, unless this test host runs with SIGINT ignored (test runners may start it so), in which case its
    /// children inherit that and only SIGTERM, which the CLI handles the same way, can stop them.</summary>
    private static int InterruptSignal()
    {
        var ignored = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16);
        return (mask & (1UL << (SigInt - 1))) != 0 ? SigTerm : SigInt;
    }

    private const int SigInt = 2;
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
