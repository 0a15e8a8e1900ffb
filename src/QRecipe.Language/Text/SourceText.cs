using System.Collections.Generic;

using QRecipe.Plan.Text;

namespace QRecipe.Language.Text;

/// <summary>A recipe's text with a line index, turning offsets into line and column positions.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text, string path)
    {
        Text = text;
        Path = path;
        // Lines end at \n, \r\n and a lone \r, as the parser ends statements, strings and comments, and as editors
        // count them. U+0085, U+2028 and U+2029 do not end a line (editors disagree on them); they are errors
        // wherever they stand (QR0005, QR0008), and positions up to the first of them read the same either way.
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))
                starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
    }

    public string Text { get; }

    public string Path { get; }

    public int Length => Text.Length;

    /// <summary>One-based line and column of an offset.</summary>
    public (int Line, int Column) Position(int offset)
    {
        var lo = 0;
        var hi = _lineStarts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset)
                lo = mid;
            else
                hi = mid - 1;
        }
        return (lo + 1, offset - _lineStarts[lo] + 1);
    }

    public int LineCount => _lineStarts.Length;

    /// <summary>Offset where a one-based line starts.</summary>
    public int LineStart(int line) => _lineStarts[line - 1];

    public SourceSpan Span(int start, int end)
    {
        var (line, column) = Position(start);
        var (endLine, endColumn) = Position(end);
        return new SourceSpan(start, end - start, line, column, endLine, endColumn);
    }

    public string Slice(SourceSpan span) => Text.Substring(span.Start, span.Length);
}
