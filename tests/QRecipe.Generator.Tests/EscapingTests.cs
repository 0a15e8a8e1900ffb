using QRecipe.Generator.Emit;

namespace QRecipe.Generator.Tests;

/// <summary>The escaping functions against expected text written out by hand from the C# and XML rules.</summary>
public sealed class EscapingTests
{
    [Theory]
    [InlineData("plain text", "\"plain text\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\r\n\t", "\"\\r\\n\\t\"")]
    [InlineData("x\u0085y\u2028z\u2029", "\"x\\u0085y\\u2028z\\u2029\"")]
    [InlineData("\0\u001b\u007f", "\"\\u0000\\u001b\\u007f\"")]
    [InlineData("\u202eevil\u2066", "\"\\u202eevil\\u2066\"")]
    [InlineData("Q\u00b7K\u1d40", "\"Q\\u00b7K\\u1d40\"")]
    [InlineData("\ud83d\ude00", "\"\\ud83d\\ude00\"")]
    [InlineData("*/ /* @\"", "\"*/ /* @\\\"\"")]
    [InlineData("", "\"\"")]
    public void String_literals_escape_quotes_backslashes_and_everything_outside_printable_ascii(string value, string expected) =>
        Assert.Equal(expected, Escaping.StringLiteral(value));

    [Theory]
    [InlineData("recipes/a.qrecipe", "recipes/a.qrecipe")]
    [InlineData("recipes/a\u2028} class X { }\n.qrecipe", "recipes/a\\u2028} class X { }\\n.qrecipe")]
    [InlineData("a\rb\u0085c\u2029d", "a\\rb\\u0085c\\u2029d")]
    public void Comment_text_has_no_line_terminator(string value, string expected) =>
        Assert.Equal(expected, Escaping.CommentText(value));

    [Theory]
    [InlineData("a <b> & c", "a &lt;b&gt; &amp; c")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("\"quoted\" 'single' */", "\"quoted\" 'single' */")]
    [InlineData("a\rb\nc", "a&#xD;b&#xA;c")]
    [InlineData("x\u0085y\u2028z\u2029", "x&#x85;y&#x2028;z&#x2029;")]
    [InlineData("tab\there", "tab&#x9;here")]
    [InlineData("\u202eevil\u202c \u2066x\u2069", "&#x202E;evil&#x202C; &#x2066;x&#x2069;")]
    [InlineData("zero\u200bwidth\ufeff", "zero&#x200B;width&#xFEFF;")]
    [InlineData("Q\u00b7K\u1d40 \u00e9", "Q\u00b7K\u1d40 \u00e9")]
    [InlineData("\ud83d\ude00", "\ud83d\ude00")]
    [InlineData("\udb40\udc01", "&#xE0001;")]
    [InlineData("\u0001\u001b\ufffe\uffff", "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;")]
    [InlineData("\u007f\u0080\u009f", "&#x7F;&#x80;&#x9F;")]
    [InlineData("\ue000", "&#xE000;")]
    public void Doc_text_escapes_xml_specials_and_every_invisible_character(string value, string expected) =>
        Assert.Equal(expected, Escaping.DocText(value));

    [Fact]
    public void Doc_text_replaces_unpaired_surrogates()
    {
        // Not theory data: xunit's serializer replaces lone surrogates before the test sees them.
        Assert.Equal("&#xFFFD;x&#xFFFD;", Escaping.DocText("\ud800x\udc00"));
        Assert.Equal("a&#xFFFD;", Escaping.DocText("a\udbff"));
    }

    [Theory]
    [InlineData("/proj/recipes/a.qrecipe", "\"/proj/recipes/a.qrecipe\"")]
    [InlineData("C:\\proj\\recipes\\a b.qrecipe", "\"C:\\proj\\recipes\\a b.qrecipe\"")]
    [InlineData("/proj/\u00e9t\u00e9/\u4e2d/\ud83d\ude00.qrecipe", "\"/proj/\u00e9t\u00e9/\u4e2d/\ud83d\ude00.qrecipe\"")]
    [InlineData("/proj/q\"uote.qrecipe", null)]
    [InlineData("/proj/a\rb", null)]
    [InlineData("/proj/a\nb", null)]
    [InlineData("/proj/a\u0085b", null)]
    [InlineData("/proj/a\u2028b", null)]
    [InlineData("/proj/a\u2029b", null)]
    [InlineData("/proj/a\tb", null)]
    [InlineData("/proj/a\u202eb", null)]
    [InlineData("/proj/a\u200bb", null)]
    public void Line_directive_files_are_verbatim_or_refused(string path, string? expected) =>
        Assert.Equal(expected, Escaping.LineDirectiveFile(path));
}
