using System.Collections.Generic;
using System.Linq;
using System.Text;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Language.Syntax.Parsing;
using QRecipe.Language.Text;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Formatting;

/// <summary>The result of formatting: the canonical text, or the syntax errors that prevented it.</summary>
public sealed record FormatResult(string Text, IReadOnlyList<Diagnostic> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Canonical layout of a recipe: one statement per line, single spaces, two-space indentation inside blocks, at
/// most one blank line where the source had blank lines. Every comment is kept, before the statement it preceded or
/// at the end of the line it ended. Formatting is idempotent. Only syntax errors prevent formatting; a recipe with
/// semantic errors formats fine.
/// </summary>
public static class RecipeFormatter
{
    private const string Indent = "  ";

    public static FormatResult Format(string text, string path = "recipe.qrecipe")
    {
        var source = new SourceText(text, path);
        var diagnostics = new List<Diagnostic>();
        var syntax = RecipeParser.Parse(source, diagnostics);
        var errors = diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0)
            return new FormatResult(text, errors);
        var writer = new Writer(source, syntax.Comments);
        writer.Body(syntax.Statements, depth: 0, end: text.Length);
        return new FormatResult(writer.ToString(), errors);
    }

    private sealed class Writer
    {
        private readonly SourceText _source;
        private readonly List<CommentSyntax> _comments;
        private readonly StringBuilder _output = new();
        private int _nextComment;
        private int _lastLine;

        public Writer(SourceText source, IReadOnlyList<CommentSyntax> comments)
        {
            _source = source;
            _comments = comments.OrderBy(c => c.Span.Start).ToList();
        }

        public void Body(IReadOnlyList<StatementSyntax> statements, int depth, int end)
        {
            foreach (var statement in statements)
            {
                LeadingComments(statement.Span.Start, depth);
                Line(depth, SyntaxPrinter.Header(statement), statement.Span.Line, TrailingComment(statement.HeaderSpan));
                if (statement.Body is null)
                    continue;
                var close = statement.Span.End - 1;
                Body(statement.Body, depth + 1, close);
                LeadingComments(close, depth + 1);
                var closeLine = _source.Position(close).Line;
                Line(depth, "}", closeLine, TrailingComment(_source.Span(close, close + 1)));
            }
            LeadingComments(end, depth);
        }

        /// <summary>Comments before <paramref name="position"/> not yet written, each on its own line.</summary>
        private void LeadingComments(int position, int depth)
        {
            while (_nextComment < _comments.Count && _comments[_nextComment].Span.Start < position)
            {
                var comment = _comments[_nextComment++];
                Line(depth, "//" + comment.Text, comment.Span.Line, null);
            }
        }

        /// <summary>Comments inside the header or after it on its last line, joined into one trailing comment.</summary>
        private string? TrailingComment(SourceSpan header)
        {
            var parts = new List<string>();
            while (_nextComment < _comments.Count)
            {
                var comment = _comments[_nextComment];
                var inside = comment.Span.Start >= header.Start && comment.Span.Start < header.End;
                var sameLine = comment.Span.Line == header.EndLine && comment.Span.Start >= header.End;
                if (!inside && !sameLine)
                    break;
                parts.Add(comment.Text.Trim());
                _nextComment++;
            }
            return parts.Count == 0 ? null : "// " + string.Join(" // ", parts);
        }

        private void Line(int depth, string content, int sourceLine, string? trailing)
        {
            if (_output.Length > 0 && sourceLine > _lastLine + 1 && HasBlankLineBefore(sourceLine))
                _output.Append('\n');
            for (var i = 0; i < depth; i++)
                _output.Append(Indent);
            _output.Append(content);
            if (trailing is not null)
                _output.Append(' ').Append(trailing);
            _output.Append('\n');
            _lastLine = sourceLine;
        }

        private bool HasBlankLineBefore(int line)
        {
            var previous = line - 1;
            if (previous < 1)
                return false;
            var start = _source.LineStart(previous);
            var end = _source.LineStart(line);
            return string.IsNullOrWhiteSpace(_source.Text.Substring(start, end - start));
        }

        public override string ToString() => _output.ToString();
    }
}
