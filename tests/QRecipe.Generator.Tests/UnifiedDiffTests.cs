using QRecipe.Generator.Tests.Harness;

namespace QRecipe.Generator.Tests;

public sealed class UnifiedDiffTests
{
    [Fact]
    public void Shows_changed_lines_with_context_and_expected_line_numbers()
    {
        var expected = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
        var received = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n";

        Assert.Equal("@@ expected line 2 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n i\n+j\n \n", UnifiedDiff.Create(expected, received));
    }

    [Fact]
    public void Far_apart_changes_get_separate_hunks()
    {
        var expected = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        var received = "0\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n13\n";

        Assert.Equal("@@ expected line 1 @@\n-1\n+0\n 2\n 3\n 4\n@@ expected line 9 @@\n 9\n 10\n 11\n-12\n+13\n \n", UnifiedDiff.Create(expected, received));
    }

    [Fact]
    public void Normalize_strips_bom_crlf_and_trailing_whitespace()
    {
        Assert.Equal("a\n b\n", Snapshot.Normalize("\uFEFFa  \r\n b\t\r\n\r\n"));
    }
}
