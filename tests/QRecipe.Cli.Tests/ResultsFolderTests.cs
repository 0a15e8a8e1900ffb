using System.IO;
using System.Linq;
using QRecipe.Cli.Run;

namespace QRecipe.Cli.Tests;

/// <summary>Numbering of results/NNN-recipe/: entries it did not make neither break nor steer it, and it stops at
/// the highest number instead of wrapping around.</summary>
public sealed class ResultsFolderTests
{
    [Theory]
    [InlineData("99999999999-x")] // more than an int holds
    [InlineData("\u0663-x")] // ARABIC-INDIC DIGIT THREE
    [InlineData("\u0661\u0662\u0663-x")]
    [InlineData("0007-x")] // padded wider than the three digits it writes
    [InlineData("7-x")] // narrower
    [InlineData("-5-x")]
    [InlineData("005")] // no recipe name
    public void Folders_it_did_not_name_are_ignored(string stray)
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.Combine(root.Path, "004-Tiny"));
        Directory.CreateDirectory(Path.Combine(root.Path, stray));
        Assert.Equal(Path.Combine(root.Path, "005-Tiny"), ResultsFolder.Create(root.Path, "Tiny"));
        Assert.Equal(Path.Combine(root.Path, "006-Tiny"), ResultsFolder.Create(root.Path, "Tiny"));
    }

    [Fact]
    public void A_file_with_the_next_name_is_skipped()
    {
        using var root = new TempFolder();
        File.WriteAllText(Path.Combine(root.Path, "001-Tiny"), "not a folder");
        Assert.Equal(Path.Combine(root.Path, "002-Tiny"), ResultsFolder.Create(root.Path, "Tiny"));
        Assert.Equal("not a folder", File.ReadAllText(Path.Combine(root.Path, "001-Tiny")));
    }

    [Fact]
    public void Numbers_past_three_digits_continue()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.Combine(root.Path, "999-Tiny"));
        Assert.Equal(Path.Combine(root.Path, "1000-Tiny"), ResultsFolder.Create(root.Path, "Tiny"));
        Assert.Equal(Path.Combine(root.Path, "1001-Other"), ResultsFolder.Create(root.Path, "Other"));
    }

    [Fact]
    public void The_highest_number_is_refused_with_one_line_and_nothing_created()
    {
        using var root = new TempFolder();
        Directory.CreateDirectory(Path.Combine(root.Path, "2147483647-x"));
        var (code, output, error) = CliRunner.Run("run", "SmallCustomW4A8", "--synthetic", "--out", root.Path);
        Assert.Equal(3, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith($"qrecipe: result folder numbers in {root.Path} have reached 2147483647, the highest; move or rename the old result folders", error);
        Assert.Equal(new[] { "2147483647-x" }, Directory.GetFileSystemEntries(root.Path).Select(Path.GetFileName));
    }
}
