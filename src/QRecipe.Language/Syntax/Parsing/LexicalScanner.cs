using System.Collections.Generic;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Text;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// One pass over the raw text before parsing: collects comments, and reports characters that cannot appear outside
/// strings and comments and strings left open at the end of a line. Lines with such errors get no further syntax
/// error, so one bad byte produces one diagnostic.
/// </summary>
internal sealed class LexicalScanner
{
    private readonly SourceText _source;
    private readonly List<Diagnostic> _diagnostics;

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
        var lastInvalidLine = -1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                var end = LineEnd(i);
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
                var line = _source.Position(i).Line;
                if (line != lastInvalidLine)
                {
                    var shown = char.IsControl(c) || char.IsWhiteSpace(c) ? string.Empty : $"'{c}' ";
                    Report(DiagnosticCatalog.InvalidCharacter, i, i + 1,
                        $"invalid character {shown}(U+{(int)c:X4}); recipes are ASCII outside strings and comments");
                    lastInvalidLine = line;
                }
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
        if (i < text.Length && text[i] == '"')
            return i + 1;
        Report(DiagnosticCatalog.UnterminatedString, start, i, "string is not closed before the end of the line; add '\"'");
        return i;
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
