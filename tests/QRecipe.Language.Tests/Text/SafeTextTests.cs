using System.Linq;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Tests.Text;

/// <summary>What reaches a terminal from a user's file: control characters, line breaks and bidirectional controls
/// become visible escapes; everything else, non-ASCII text included, is unchanged.</summary>
public sealed class SafeTextTests
{
    [Theory]
    [InlineData("\u001b[2J\u001b[Hall checks passed", "\\x1B[2J\\x1B[Hall checks passed")]
    [InlineData("key\nqrecipe: fake line", "key\\nqrecipe: fake line")]
    [InlineData("a\rb\tc\0d\u007fe", "a\\rb\\tc\\x00d\\x7Fe")]
    [InlineData("c1\u0085\u009b31m", "c1\\u0085\\u009B31m")]
    [InlineData("abc\u202egnp.exe", "abc\\u202Egnp.exe")]
    [InlineData("\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F\\u061C")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    public void Controls_become_visible_escapes(string text, string expected) =>
        Assert.Equal(expected, SafeText.Escape(text));

    [Fact]
    public void Printable_text_is_returned_unchanged()
    {
        const string text = "blocks.0.attn.qkv.weight Q\u00b7K\u1d40 \u4e2d \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd \u202f C:\\path\\x";
        Assert.Same(text, SafeText.Escape(text));
    }

    [Fact]
    public void Every_code_unit_that_is_escaped_is_a_control_or_bidi_or_separator()
    {
        // The set, written out independently of the implementation: C0, DEL, C1, U+061C, U+200E/F, U+2028..U+202E, U+2066..U+2069.
        var expected = Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21))
            .Concat(new[] { 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069 })
            .ToHashSet();
        for (var c = 0; c <= 0xFFFF; c++)
            Assert.True(expected.Contains(c) == (SafeText.Escape(((char)c).ToString()) != ((char)c).ToString()), $"U+{c:X4}");
    }

    [Fact]
    public void A_long_value_is_cut_and_says_how_long_it_was()
    {
        Assert.Equal("aaaa… (10,000 characters)", SafeText.Escape(new string('a', 10_000), 4));
        Assert.Equal("a\\nb", SafeText.Escape("a\nb", 4));
        Assert.Equal("'x\\x1By'", SafeText.Quote("x\u001by"));
    }
}
