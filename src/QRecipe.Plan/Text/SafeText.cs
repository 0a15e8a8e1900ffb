using System.Globalization;
using System.Text;

namespace QRecipe.Plan.Text;

/// <summary>
/// Text taken from a user's file (a recipe, a checkpoint key, a JSON value, a file name) made safe to print on a
/// terminal and in a log: control characters would otherwise reach the terminal as commands (an escape sequence
/// can clear the screen and print a line that looks like ours), a line break would start a line we did not write,
/// and bidirectional controls reorder what is displayed. Every message that echoes such text goes through
/// <see cref="Escape(string)"/>.
/// </summary>
public static class SafeText
{
    /// <summary>The text with every C0 control (tab and line breaks included), DEL, C1 control, line or paragraph
    /// separator and bidirectional control written as a visible escape: <c>\n</c>, <c>\r</c>, <c>\t</c>,
    /// <c>\x1B</c> for the rest of C0 and DEL, <c>\u0085</c> for the others. Everything else is unchanged.</summary>
    public static string Escape(string text)
    {
        var first = 0;
        while (first < text.Length && !MustEscape(text[first]))
            first++;
        if (first == text.Length)
            return text;
        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
            Append(escaped, text[i]);
        return escaped.ToString();
    }

    /// <summary><see cref="Escape(string)"/> of at most the first <paramref name="maxLength"/> characters, with
    /// <c>… (N characters)</c> after a longer text, so one value cannot fill a screen.</summary>
    public static string Escape(string text, int maxLength) =>
        text.Length <= maxLength
            ? Escape(text)
            : Escape(text.Substring(0, maxLength)) + string.Format(CultureInfo.InvariantCulture, "… ({0:N0} characters)", text.Length);

    /// <summary><see cref="Escape(string)"/> in single quotes, the way messages name keys and values.</summary>
    public static string Quote(string text) => "'" + Escape(text) + "'";

    /// <summary>Whether <see cref="Escape(string)"/> rewrites the character.</summary>
    public static bool MustEscape(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || (c >= '\u2028' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    private static void Append(StringBuilder text, char c)
    {
        switch (c)
        {
            case '\n':
                text.Append("\\n");
                break;
            case '\r':
                text.Append("\\r");
                break;
            case '\t':
                text.Append("\\t");
                break;
            case var _ when c < 0x20 || c == 0x7F:
                text.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                break;
            case var _ when MustEscape(c):
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(c);
                break;
        }
    }
}
