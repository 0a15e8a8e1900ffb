using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace QRecipe.Cli.Tests;

/// <summary>What <c>fmt</c> and every other writer of the CLI keep when they replace a file: the permission bits, a
/// symbolic link (the file it points to is rewritten), every hard link (the file is rewritten in place), and no
/// temporary file after a failure.</summary>
public sealed class AtomicWriteTests
{
    private const string Messy = "recipe   A  \"x\"\nmodel dit-s/2\nsampler  ddim steps 10\n";
    private const string Formatted = "recipe A \"x\"\nmodel dit-s/2\nsampler ddim steps 10\n";

    [Fact]
    public void Fmt_keeps_mode_600()
    {
        if (OperatingSystem.IsWindows())
            return;
        using var folder = new TempFolder();
        var file = folder.File("a.qrecipe", Messy);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(0, CliRunner.Run("fmt", file).ExitCode);

        Assert.Equal(Formatted, File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Fmt_through_a_symbolic_link_rewrites_its_target_and_keeps_the_link()
    {
        using var folder = new TempFolder();
        var target = folder.File("real.qrecipe", Messy);
        var link = Path.Combine(folder.Path, "link.qrecipe");
        File.CreateSymbolicLink(link, "real.qrecipe");

        Assert.Equal(0, CliRunner.Run("fmt", link).ExitCode);

        Assert.Equal("real.qrecipe", new FileInfo(link).LinkTarget);
        Assert.Equal(Formatted, File.ReadAllText(target));
        Assert.Equal(new[] { "link.qrecipe", "real.qrecipe" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Fmt_of_a_hard_linked_file_changes_every_name()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        var first = folder.File("a.qrecipe", Messy);
        var second = Path.Combine(folder.Path, "b.qrecipe");
        Assert.Equal(0, Link(first, second));

        Assert.Equal(0, CliRunner.Run("fmt", first).ExitCode);

        Assert.Equal(Formatted, File.ReadAllText(first));
        Assert.Equal(Formatted, File.ReadAllText(second));
    }

    [Fact]
    public void A_write_that_fails_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        // The output path is a folder: the temporary file is written beside it, and moving it there fails.
        var target = Path.Combine(folder.Path, "map.json");
        Directory.CreateDirectory(target);

        var (code, _, error) = CliRunner.Run("export", "--format", "scmp-json", Path.Combine(CliRunner.RecipesFolder, "dit_w4a8_sc.qrecipe"), "--out", target);

        Assert.Equal(3, code);
        Assert.Contains($"qrecipe: cannot write {target}: ", error);
        Assert.Equal(new[] { "map.json" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);
}
