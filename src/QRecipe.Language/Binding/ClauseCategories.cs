using System.Collections.Generic;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;

namespace QRecipe.Language.Binding;

/// <summary>Reports a clause that repeats or contradicts an earlier clause of the same statement, such as
/// <c>symmetric … asymmetric</c> or two <c>steps</c>.</summary>
internal sealed class ClauseCategories
{
    private readonly DiagnosticSink _sink;
    private readonly Dictionary<string, ClauseSyntax> _seen = new();

    public ClauseCategories(DiagnosticSink sink) => _sink = sink;

    /// <summary>True the first time a category is claimed; reports QR0109 and returns false after that.</summary>
    public bool Claim(string category, ClauseSyntax clause)
    {
        if (_seen.TryGetValue(category, out var earlier))
        {
            var message = earlier.Name == clause.Name
                ? $"'{clause.Name}' is given twice (first at column {earlier.Span.Column})"
                : $"'{clause.Name}' conflicts with '{earlier.Name}' at column {earlier.Span.Column}; a statement has one {category}";
            _sink.Report(DiagnosticCatalog.DuplicateClause, clause.Span, message);
            return false;
        }
        _seen[category] = clause;
        return true;
    }
}
