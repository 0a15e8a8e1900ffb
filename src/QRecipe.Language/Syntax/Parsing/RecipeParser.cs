using System.Collections.Generic;
using System.Linq;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Text;
using QRecipe.Plan;
using Sprache;

namespace QRecipe.Language.Syntax.Parsing;

/// <summary>
/// Parses a whole recipe. Statements are parsed one at a time with the Sprache grammar; after an error the parser
/// skips to the end of the statement (including any block it opened) and carries on, so every error in a file is
/// reported, not just the first.
/// </summary>
public static class RecipeParser
{
    /// <summary>Deepest allowed nesting of <c>at</c> and <c>sc</c> blocks.</summary>
    public const int MaxNesting = 16;

    public static RecipeSyntax Parse(SourceText source, List<Diagnostic> diagnostics)
    {
        var scanner = new LexicalScanner(source, diagnostics);
        scanner.Scan();
        var session = new Session(source, diagnostics, scanner.LinesWithErrors);
        var position = 0;
        var statements = session.ParseBody(ref position, depth: 0, openBrace: null);
        return new RecipeSyntax(source, statements, scanner.Comments);
    }

    private sealed class Session
    {
        private static readonly string[] StatementStarters =
            StatementGrammar.StatementKeywords.Concat(Operators.All.Select(Operators.Name)).Concat(Operators.Groups.Keys).ToArray();

        private readonly SourceText _source;
        private readonly List<Diagnostic> _diagnostics;
        private readonly HashSet<int> _linesWithErrors;

        public Session(SourceText source, List<Diagnostic> diagnostics, HashSet<int> linesWithErrors)
        {
            _source = source;
            _diagnostics = diagnostics;
            _linesWithErrors = linesWithErrors;
        }

        private string Text => _source.Text;

        public List<StatementSyntax> ParseBody(ref int position, int depth, int? openBrace)
        {
            var statements = new List<StatementSyntax>();
            while (true)
            {
                position = SkipSeparators(position);
                if (position >= Text.Length)
                {
                    if (openBrace is { } brace)
                        Report(DiagnosticCatalog.UnbalancedBraces, brace, brace + 1, $"'{{' at line {_source.Position(brace).Line} is never closed; add '}}'");
                    return statements;
                }
                if (Text[position] == '}')
                {
                    if (openBrace is not null)
                    {
                        position++;
                        return statements;
                    }
                    Report(DiagnosticCatalog.UnbalancedBraces, position, position + 1, "'}' has no matching '{'");
                    position++;
                    continue;
                }
                var statement = ParseStatement(ref position, depth);
                if (statement is not null)
                    statements.Add(statement);
            }
        }

        private StatementSyntax? ParseStatement(ref int position, int depth)
        {
            var start = position;
            var input = new TextInput(_source, position);
            var word = Lexemes.Word(input);
            Parser<StatementSyntax>? parser = null;
            if (word.WasSuccessful)
            {
                parser = StatementGrammar.ForKeyword(word.Value.Text);
                if (parser is null && IsOperatorName(word.Value.Text))
                    parser = StatementGrammar.ScRule;
            }
            if (parser is null)
            {
                ReportUnknownStatement(position);
                position = SkipStatement(start);
                return null;
            }
            var result = parser(input);
            if (!result.WasSuccessful)
            {
                ReportFailure(result.Remainder.Position, result.Expectations);
                position = SkipStatement(start);
                return null;
            }
            var statement = result.Value;
            position = Lexemes.TokenStart(result.Remainder);
            var takesBody = statement.Kind is StatementKind.At or StatementKind.Sc or StatementKind.Tune;
            if (position < Text.Length && Text[position] == '{')
            {
                if (!takesBody)
                {
                    Report(DiagnosticCatalog.SyntaxError, position, position + 1, $"unexpected '{{' after '{Describe(statement)}'; only 'at', 'sc' and 'tune' take a block");
                    position = SkipStatement(position);
                    return null;
                }
                return ParseBodyOf(statement, ref position, depth);
            }
            if (statement.Kind is StatementKind.At or StatementKind.Tune)
            {
                ReportFailure(position, new[] { "'{'" });
                position = SkipStatement(start);
                return null;
            }
            return statement;
        }

        private StatementSyntax? ParseBodyOf(StatementSyntax header, ref int position, int depth)
        {
            var brace = position;
            if (depth + 1 > MaxNesting)
            {
                Report(DiagnosticCatalog.NestingTooDeep, brace, brace + 1, $"blocks are nested {depth + 1} deep; the limit is {MaxNesting}");
                position = SkipStatement(brace);
                return null;
            }
            position++;
            var body = ParseBody(ref position, depth + 1, brace);
            var headerSpan = _source.Span(header.Span.Start, brace + 1);
            return header with { Body = body, HeaderSpan = headerSpan, Span = _source.Span(header.Span.Start, position) };
        }

        private static string Describe(StatementSyntax statement) => statement.Keyword?.Text ?? "rule";

        private static bool IsOperatorName(string word) =>
            Operators.TryParse(word, out _) || Operators.Groups.ContainsKey(word);

        private void ReportUnknownStatement(int position)
        {
            var (start, end, found) = TokenAt(position);
            var isWord = start < Text.Length && Lexemes.IsWordStart(Text[start]);
            if (isWord)
            {
                Report(DiagnosticCatalog.UnknownKeyword, start, end,
                    $"unknown statement {found}{Suggestions.DidYouMean(Text.Substring(start, end - start), StatementStarters)}; a statement starts with one of "
                    + string.Join(", ", StatementGrammar.StatementKeywords) + " or an operator name");
            }
            else
            {
                Report(DiagnosticCatalog.SyntaxError, start, end, $"unexpected {found}; expected a statement");
            }
        }

        private void ReportFailure(int position, IEnumerable<string> expectations)
        {
            var expected = expectations.Distinct().ToList();
            var (start, end, found) = TokenAt(position);
            var words = expected.Where(e => e.Length > 0 && Lexemes.IsWordStart(e[0]) && !e.Contains(' ') && !e.Contains('.')).ToList();
            var suggestion = start < Text.Length && Lexemes.IsWordStart(Text[start])
                ? Suggestions.Closest(Text.Substring(start, end - start), words)
                : null;
            var list = expected.Count == 0 ? "something else" : expected.Count == 1 ? expected[0] : "one of " + string.Join(", ", expected);
            if (suggestion is not null)
                Report(DiagnosticCatalog.UnknownKeyword, start, end, $"unknown word {found} (did you mean '{suggestion}'?); expected {list}");
            else
                Report(DiagnosticCatalog.SyntaxError, start, end, $"unexpected {found}; expected {list}");
        }

        /// <summary>The token at an error position, for the message: a word, a number, one character, or the end.</summary>
        private (int Start, int End, string Found) TokenAt(int position)
        {
            while (position < Text.Length && Lexemes.IsHorizontalSpace(Text[position]))
                position++;
            if (position >= Text.Length)
                return (Text.Length, Text.Length, "end of file");
            var c = Text[position];
            if (c is '\n' or '\r')
                return (position, position, "end of line");
            var end = position + 1;
            if (Lexemes.IsWordStart(c) || char.IsDigit(c))
            {
                while (end < Text.Length && (Lexemes.IsWordPart(Text[end]) || Text[end] == '.' && end + 1 < Text.Length && char.IsDigit(Text[end + 1])))
                    end++;
            }
            var shown = Text.Substring(position, end - position);
            if (shown.Length > 40)
                shown = shown.Substring(0, 40) + "…";
            return (position, end, $"'{shown}'");
        }

        /// <summary>Skips spaces, newlines, <c>;</c> and comments between statements.</summary>
        private int SkipSeparators(int position)
        {
            while (position < Text.Length)
            {
                var c = Text[position];
                if (c is ' ' or '\t' or '\n' or '\r' or ';')
                    position++;
                else if (c == '/' && position + 1 < Text.Length && Text[position + 1] == '/')
                    position = LineEnd(position);
                else if (!(c >= ' ' && c <= '~'))
                    position++; // already reported by the lexical scanner
                else
                    break;
            }
            return position;
        }

        /// <summary>
        /// Error recovery: skips to the end of the line, and past any block the skipped text opened. Stops before a
        /// '}' that closes an enclosing block.
        /// </summary>
        private int SkipStatement(int position)
        {
            var depth = 0;
            while (position < Text.Length)
            {
                var c = Text[position];
                if (c is '\n' or '\r' && depth == 0)
                    return position;
                if (c == '"')
                {
                    position++;
                    while (position < Text.Length && Text[position] is not ('"' or '\n' or '\r'))
                        position++;
                    if (position < Text.Length && Text[position] == '"')
                        position++;
                    continue;
                }
                if (c == '/' && position + 1 < Text.Length && Text[position + 1] == '/')
                {
                    position = LineEnd(position);
                    continue;
                }
                if (c == '{')
                    depth++;
                else if (c == '}')
                {
                    if (depth == 0)
                        return position;
                    depth--;
                    if (depth == 0)
                        return position + 1;
                }
                position++;
            }
            return position;
        }

        private int LineEnd(int position)
        {
            while (position < Text.Length && Text[position] is not ('\n' or '\r'))
                position++;
            return position;
        }

        private void Report(DiagnosticDescriptor descriptor, int start, int end, string message)
        {
            var span = _source.Span(start, end);
            if (descriptor != DiagnosticCatalog.UnbalancedBraces && descriptor != DiagnosticCatalog.NestingTooDeep && _linesWithErrors.Contains(span.Line))
                return;
            _linesWithErrors.Add(span.Line);
            _diagnostics.Add(new Diagnostic(descriptor, message, _source.Path, span));
        }
    }
}
