using System.Linq;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Tests.Text;

/// <summary>Lists in messages show their first items and count the rest.</summary>
public sealed class ShortListTests
{
    [Fact]
    public void A_million_items_show_ten_and_count_the_rest()
    {
        var text = ShortList.Join("\n  ", Enumerable.Range(0, 1_000_000).Select(i => "key" + i));

        var lines = text.Split("\n  ");
        Assert.Equal(11, lines.Length);
        Assert.Equal("key0", lines[0]);
        Assert.Equal("key9", lines[9]);
        Assert.Equal("… and 999,990 more", lines[10]);
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "0")]
    [InlineData(3, "0, 1, 2")]
    [InlineData(4, "0, 1, 2, … and 1 more")]
    public void Short_lists_are_joined_whole(int count, string expected) =>
        Assert.Equal(expected, ShortList.Join(", ", Enumerable.Range(0, count), max: 3));

    [Fact]
    public void Items_use_the_given_format() =>
        Assert.Equal("[1]; [2]", ShortList.Join("; ", new[] { 1, 2 }, format: i => $"[{i}]"));
}
