using System.Globalization;
using System.Text;

namespace QRecipe.Generator.Emit;

/// <summary>
/// The one place where text from outside the generator (descriptions, file paths, names) becomes part of generated
/// C#. Every such string goes through one of these functions, so none can end the comment, string or directive it
/// is written into. C# ends a line, and with it a <c>//</c> or <c>///</c> comment, a regular string and a directive,
/// at \r, \n, U+0085, U+2028 and U+2029; none of them leaves here unescaped, nor does any other invisible character.
/// Identifiers (class names, namespaces) are not escaped: class names are ASCII identifiers by construction
/// (<see cref="ClassNames"/>), namespaces come from the project file. No verbatim, raw or interpolated strings and no
/// <c>/* */</c> comments are generated, so their terminators need no rules.
/// </summary>
internal static class Escaping
{
    /// <summary>A regular C# string literal (quotes included) that reads back as exactly <paramref name="value"/>.</summary>
    public static string StringLiteral(string value) => "\"" + StringBody(value) + "\"";

    /// <summary>
    /// The quoted file name of a <c>#line</c> directive, or null when <paramref name="path"/> cannot be one. The
    /// compiler takes the name verbatim up to the next quote: it knows no escape sequences there (a backslash is a
    /// backslash, so Windows paths are written as they are), and a line terminator ends the directive. A path with a
    /// quote or with any character that <see cref="DocText"/> would escape (line terminators, controls, format
    /// characters) cannot be written; the caller then leaves the line unmapped.
    /// </summary>
    public static string? LineDirectiveFile(string path)
    {
        for (var i = 0; i < path.Length; i += Length(path, i))
        {
            if (path[i] == '"' || !IsVisible(path, i))
                return null;
        }
        return "\"" + path + "\"";
    }

    /// <summary>Text for the rest of a <c>//</c> comment line: escaped as in <see cref="StringLiteral"/>, so the
    /// reader sees the same text as in the string constants and the comment ends where the generator ends it.</summary>
    public static string CommentText(string value) => StringBody(value);

    /// <summary>
    /// Element content of a <c>///</c> XML doc comment: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as entities; line
    /// terminators, control, format (bidirectional controls, zero-width characters), private-use and unassigned
    /// characters as numeric references, so the comment stays on one line and shows no invisible text. Characters
    /// XML cannot carry even as a reference (C0 controls but tab, CR and LF; U+FFFE; U+FFFF; an unpaired surrogate)
    /// become U+FFFD. Visible non-ASCII text (<c>Q·Kᵀ</c>) is kept as it is.
    /// </summary>
    public static string DocText(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); continue;
                case '<': builder.Append("&lt;"); continue;
                case '>': builder.Append("&gt;"); continue;
            }
            var length = Length(value, i);
            if (IsVisible(value, i))
            {
                builder.Append(value, i, length);
            }
            else
            {
                var codePoint = length == 2 ? char.ConvertToUtf32(c, value[i + 1]) : c;
                builder.Append("&#x").Append((IsXmlChar(codePoint) ? codePoint : 0xFFFD).ToString("X", CultureInfo.InvariantCulture)).Append(';');
            }
            i += length - 1;
        }
        return builder.ToString();
    }

    /// <summary>The inside of a regular string literal: quote and backslash escaped, \t \n \r by name, everything
    /// else outside printable ASCII as \uXXXX (each UTF-16 unit, so surrogate pairs round-trip).</summary>
    private static string StringBody(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || c > '~')
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>2 for a surrogate pair at <paramref name="index"/>, else 1.</summary>
    private static int Length(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;

    /// <summary>Whether the character (or surrogate pair) at <paramref name="index"/> shows as itself: printable
    /// ASCII, or a non-ASCII letter, mark, digit, punctuation, symbol or space. Not: controls (C0, DEL, C1 with
    /// U+0085), format characters (bidirectional controls, zero-width characters), line and paragraph separators,
    /// unpaired surrogates, private-use and unassigned characters.</summary>
    private static bool IsVisible(string text, int index) =>
        text[index] is >= ' ' and <= '~'
        || text[index] > '~' && CharUnicodeInfo.GetUnicodeCategory(text, index) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
            _ => true,
        };

    /// <summary>The XML 1.0 <c>Char</c> production: what a numeric character reference may name.</summary>
    private static bool IsXmlChar(int codePoint) =>
        codePoint is 0x9 or 0xA or 0xD or >= 0x20 and <= 0xD7FF or >= 0xE000 and <= 0xFFFD or >= 0x10000 and <= 0x10FFFF;
}
