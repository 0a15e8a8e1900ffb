using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace QRecipe.Cli.Tests;

/// <summary>Recipe files are read up to 1 MiB (1048576 bytes): a larger file, or a device that never ends, is refused
/// in one line (error QR0801, exit 1) by every command that reads recipes.</summary>
public sealed class RecipeFileLimitTests
{
    private const string Recipe = "recipe Padded\nmodel dit-xl/2\nsampler ddim steps 50\nweights int8\n";

    /// <summary>The recipe padded with one comment line to exactly <paramref name="bytes"/> bytes (ASCII, so bytes = characters).</summary>
    private static string Padded(TempFolder folder, int bytes)
    {
        var comment = "// " + new string('x', bytes - Recipe.Length - 4) + "\n";
        var path = folder.File($"padded-{bytes}.qrecipe", Recipe + comment);
        Assert.Equal(bytes, new FileInfo(path).Length);
        return path;
    }

    [Fact]
    public void A_recipe_of_exactly_one_mebibyte_is_read()
    {
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run("check", Padded(folder, 1 << 20));
        Assert.True(code == 0, error);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("fmt")]
    [InlineData("explain")]
    [InlineData("export")]
    [InlineData("run")]
    public void One_byte_more_is_refused_naming_the_size_and_the_limit(string command)
    {
        using var folder = new TempFolder();
        var path = Padded(folder, (1 << 20) + 1);
        var args = command == "export" ? new[] { "export", "--format", "scmp-json", path } : command == "run" ? new[] { "run", path, "--synthetic", "--out", Path.Combine(folder.Path, "r") } : new[] { command, path };
        var (code, _, error) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Equal($"{path}: error QR0801: the file has 1048577 bytes; a recipe may have at most 1048576 (1 MiB)\n", error);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "r")));
    }

    /// <summary>/dev/zero reports 0 bytes and never ends; it is refused by its type before it is opened. As a process so
    /// that a regression cannot take the test host's memory.</summary>
    [Fact]
    public async Task A_device_that_never_ends_is_refused_before_it_is_read()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "qrecipe.dll"), "check", "/dev/zero" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            Assert.Fail("check /dev/zero did not end");
        }
        Assert.Equal("qrecipe: '/dev/zero' is a character device, not a regular file\n", error);
        Assert.Equal(2, process.ExitCode);
        Assert.Equal(string.Empty, await output);
    }
}
