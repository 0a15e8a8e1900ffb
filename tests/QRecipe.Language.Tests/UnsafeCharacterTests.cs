using System.Linq;

namespace QRecipe.Language.Tests;

/// <summary>
/// Characters that end a line for C# or for some editors (U+0085, U+2028, U+2029), other control characters, and
/// bidirectional controls are refused inside strings and comments (QR0008), where QR0005 does not look; and line
/// numbers follow the line breaks the parser itself uses (\n, \r\n, a lone \r). Positions are counted by hand.
/// </summary>
public sealed class UnsafeCharacterTests
{
    private const string Rest = "\nmodel dit-xl/2\nsampler ddpm steps 50\n";

    [Theory]
    [InlineData("\u0085", "control character")]
    [InlineData("\u2028", "line separator")]
    [InlineData("\u2029", "paragraph separator")]
    [InlineData("\u0000", "control character")]
    [InlineData("\u001b", "control character")]
    [InlineData("\u007f", "control character")]
    [InlineData("\u009f", "control character")]
    [InlineData("\u202a", "bidirectional control")]
    [InlineData("\u202e", "bidirectional control")]
    [InlineData("\u2066", "bidirectional control")]
    [InlineData("\u2069", "bidirectional control")]
    public void A_refused_character_in_the_description_is_QR0008_at_its_position(string character, string kind)
    {
        // recipe T "ab<c>cd": the character is the 13th of line 1.
        var compilation = Snippets.Compile("recipe T \"ab" + character + "cd\"" + Rest);

        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal("QR0008", diagnostic.Id);
        Assert.Equal((1, 13, 1, 14), (diagnostic.Span.Line, diagnostic.Span.Column, diagnostic.Span.EndLine, diagnostic.Span.EndColumn));
        Assert.Equal(12, diagnostic.Span.Start);
        Assert.Contains($"{kind} U+{(int)character[0]:X4} in a string", diagnostic.Message);
        Assert.Null(compilation.Plan);
    }

    [Theory]
    [InlineData("\u2028")]
    [InlineData("\u202e")]
    [InlineData("\u0085")]
    public void A_refused_character_in_a_comment_is_QR0008(string character)
    {
        // Line 4 of the snippet: "weights int8 // a<c>b"; the character is column 18.
        var compilation = Snippets.CompileBody("weights int8 // a" + character + "b\n");

        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("QR0008", 4, 18), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.Contains("in a comment", diagnostic.Message);
    }

    [Fact]
    public void Tabs_and_visible_unicode_stay_allowed_in_strings_and_comments()
    {
        var compilation = Snippets.Compile("recipe T \"Q\u00b7K\u1d40\tsoftmax\u00b7V \u4e2d \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd\"" + Rest + "// \u00e9t\u00e9\t\u2013 ok\n");

        Assert.Empty(compilation.Diagnostics);
        Assert.Equal("Q\u00b7K\u1d40\tsoftmax\u00b7V \u4e2d \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd", compilation.Plan!.Description);
    }

    [Fact]
    public void One_diagnostic_per_line_and_only_the_first_character_of_a_string()
    {
        var compilation = Snippets.Compile("recipe T \"\u2028\u2029\u202e\" // \u2028" + Rest + "// \u0001 and \u0002\n");

        Assert.Equal(new[] { ("QR0008", 1, 11), ("QR0008", 4, 4) }, compilation.Diagnostics.Select(d => (d.Id, d.Span.Line, d.Span.Column)));
    }

    [Fact]
    public void A_line_separator_outside_strings_is_QR0005_and_later_lines_keep_their_numbers()
    {
        // U+2028 does not end a line for the parser or for most editors: the error on the next line is on line 5.
        var compilation = Snippets.CompileBody("// fine\n\u2028\nweights int9\n");

        Assert.Equal(new[] { ("QR0005", 5, 1), ("QR0400", 6, 9) }, compilation.Diagnostics.Select(d => (d.Id, d.Span.Line, d.Span.Column)));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void Lines_break_at_lf_crlf_and_a_lone_cr(string newline)
    {
        var compilation = Snippets.Compile(string.Join(newline, "recipe T \"d\"", "model dit-xl/3", "sampler ddpm steps 50", ""));

        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("QR0103", 2, 7), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
    }
}
