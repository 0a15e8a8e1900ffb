using System.Collections.Generic;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Text;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// One pass over the raw text before parsing: collects comments, and reports characters that cannot appear outside
/// strings and comments (QR0005), characters that cannot appear inside them either (QR0008) and strings left open
/// at the end of a line. Lines with such errors get no further syntax error, and a line gets at most one invalid
/// character diagnostic, so one bad byte produces one diagnostic.
/// </summary>
internal sealed class LexicalScanner
{
    private readonly SourceText _source;
    private readonly List<Diagnostic> _diagnostics;
    private int _lastInvalidLine = -1;

    public LexicalScanner(SourceText source, List<Diagnostic> diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public List<CommentSyntax> Comments { get; } = new();

    public HashSet<int> LinesWithErrors { get; } = new();

    public void Scan()
    {
        var text = _source.Text;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                var end = LineEnd(i);
                CheckText(i + 2, end, "comment");
                Comments.Add(new CommentSyntax(text.Substring(i + 2, end - i - 2).TrimEnd(), _source.Span(i, end)));
                i = end;
            }
            else if (c == '"')
            {
                i = ScanString(i);
            }
            else if (c is '\n' or '\r' or '\t' || c >= ' ' && c <= '~')
            {
                i++;
            }
            else
            {
                var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? string.Empty : $"'{c}' ";
                ReportInvalid(DiagnosticCatalog.InvalidCharacter, i,
                    $"invalid character {shown}(U+{(int)c:X4}); recipes are ASCII outside strings and comments");
                i++;
            }
        }
    }

    private int ScanString(int start)
    {
        var text = _source.Text;
        var i = start + 1;
        while (i < text.Length && text[i] is not ('"' or '\n' or '\r'))
            i += text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' ? 2 : 1;
        CheckText(start + 1, i, "string");
        if (i < text.Length && text[i] == '"')
            return i + 1;
        Report(DiagnosticCatalog.UnterminatedString, start, i, "string is not closed before the end of the line; add '\"'");
        return i;
    }

    /// <summary>
    /// Reports the first character of a string or comment body that must not appear there: a control character
    /// other than tab, U+2028 or U+2029 (C# and some editors end a line at them and at U+0085, so text after one
    /// would be code to them but not to us, or the other way round), or a bidirectional embedding, override or
    /// isolate (U+202A..U+202E, U+2066..U+2069), which makes an editor show text in another order than it is read
    /// ("trojan source").
    /// </summary>
    private void CheckText(int start, int end, string where)
    {
        var text = _source.Text;
        for (var i = start; i < end; i++)
        {
            var kind = UnsafeKind(text[i]);
            if (kind is null)
                continue;
            ReportInvalid(DiagnosticCatalog.UnsafeCharacter, i,
                $"{kind} U+{(int)text[i]:X4} in a {where}; strings and comments may hold no control characters (but tab), line or paragraph separators, or bidirectional controls");
            return;
        }
    }

    private static string? UnsafeKind(char c) => c switch
    {
        '\t' => null,
        '\u2028' => "line separator",
        '\u2029' => "paragraph separator",
        >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' => "bidirectional control",
        _ => char.IsControl(c) ? "control character" : null,
    };

    /// <summary>An invalid character, reported unless its line already has one.</summary>
    private void ReportInvalid(DiagnosticDescriptor descriptor, int offset, string message)
    {
        var line = _source.Position(offset).Line;
        if (line == _lastInvalidLine)
            return;
        Report(descriptor, offset, offset + 1, message);
        _lastInvalidLine = line;
    }

    private int LineEnd(int i)
    {
        var text = _source.Text;
        while (i < text.Length && text[i] is not ('\n' or '\r'))
            i++;
        return i;
    }

    private void Report(DiagnosticDescriptor descriptor, int start, int end, string message)
    {
        var span = _source.Span(start, end);
        LinesWithErrors.Add(span.Line);
        _diagnostics.Add(new Diagnostic(descriptor, message, _source.Path, span));
    }
}
