using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace QRecipe.Cli.Tests;

/// <summary>Runs of the bundled model's shape (synthetic weights) with a batch-coupled recipe, split into shards.</summary>
internal static class ShardTestRun
{
    /// <summary>Per-tensor dynamic activation scales: one scale per forward, so the chunking is what keeps shards exact.</summary>
    public const string Recipe = "recipe Fm\nmodel fmnist-dit/4\nsampler ddpm steps 3 cfg 2\nweights int4 per-channel symmetric\nactivations int8 per-tensor dynamic\n";

    public static readonly string[] Common = ["--synthetic", "--samples", "10", "--chunk", "3"];

    /// <summary>qrecipe run in a process of its own (the built CLI); the exit code and what it printed.</summary>
    public static Process Start(string recipe, string out_, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "qrecipe.dll"), "run", recipe }.Concat(Common).Concat(["--out", out_]).Concat(extra))
            start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    public static (int Code, string Output, string Error) Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("a shard took more than 5 minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
