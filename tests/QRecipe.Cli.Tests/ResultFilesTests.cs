using System;
using System.IO;
using System.Linq;
using QRecipe.Cli.Run;

namespace QRecipe.Cli.Tests;

/// <summary>A run keeps all its result files or none: a write that fails midway leaves only log.txt.</summary>
public sealed class ResultFilesTests
{
    [Fact]
    public void A_failed_write_removes_every_result_file_and_staged_file_but_the_log()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "log.txt"), "the run's log");
        // report.json cannot be renamed into place: a folder holds its name (as a full disk would stop the write).
        Directory.CreateDirectory(Path.Combine(folder.Path, "report.json"));
        var files = new ResultFiles(folder.Path);
        files.WriteNpy("latents.npy", new float[2 * 3], 2, 3);
        files.Write("samples.png", new byte[] { 1, 2, 3 });
        Assert.Equal(new[] { "latents.npy", "samples.png" }, files.Written);
        Assert.ThrowsAny<IOException>(() => files.Write("report.json", "{}"));
        // The atomic writer removes its own temporary file when the rename fails.
        Assert.False(File.Exists(Path.Combine(folder.Path, $"report.json.tmp-{Environment.ProcessId}")));

        files.Dispose();

        Assert.Equal(new[] { "log.txt" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
        Assert.Equal("the run's log", File.ReadAllText(Path.Combine(folder.Path, "log.txt")));
    }

    [Fact]
    public void Kept_files_stay()
    {
        using var folder = new TempFolder();
        using (var files = new ResultFiles(folder.Path))
        {
            files.Write("report.md", "# report");
            files.WriteNpy("latents.npy", new float[] { 1, 2 }, 2);
            files.Keep();
        }
        Assert.Equal(new[] { "latents.npy", "report.md" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }
}
