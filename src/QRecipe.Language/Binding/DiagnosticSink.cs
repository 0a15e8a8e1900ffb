using System.Collections.Generic;
using QRecipe.Language.Diagnostics;
using QRecipe.Language.Syntax;
using QRecipe.Plan.Text;

namespace QRecipe.Language.Binding;

/// <summary>Collects diagnostics for one file, and reads numbers with the range checks every clause needs.</summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic> _diagnostics;
    private readonly HashSet<(string, int)> _reportedOnce = new();

    public DiagnosticSink(string path, List<Diagnostic> diagnostics)
    {
        Path = path;
        _diagnostics = diagnostics;
    }

    public string Path { get; }

    public bool HasErrors => _diagnostics.Exists(d => d.IsError);

    public void Report(DiagnosticDescriptor descriptor, SourceSpan span, string message) =>
        _diagnostics.Add(new Diagnostic(descriptor, message, Path, span));

    /// <summary>Reports a diagnostic only the first time for this span: cell-by-cell checks would otherwise repeat it.</summary>
    public void ReportOnce(DiagnosticDescriptor descriptor, SourceSpan span, string message)
    {
        if (_reportedOnce.Add((descriptor.Id, span.Start)))
            Report(descriptor, span, message);
    }

    /// <summary>A whole number in [min, max], or null after reporting why not.</summary>
    public int? Integer(NumberSyntax number, int min, int max, DiagnosticDescriptor outOfRange, string what)
    {
        if (!Plain(number, what))
            return null;
        if (!number.IsInteger)
        {
            Report(outOfRange, number.Span, $"{what} {number.Text} must be a whole number");
            return null;
        }
        if (number.Value < min || number.Value > max)
        {
            Report(outOfRange, number.Span, $"{what} {number.Text} is outside {min}..{max}");
            return null;
        }
        return (int)number.Value;
    }

    /// <summary>A number in [min, max], or null after reporting why not.</summary>
    public double? Real(NumberSyntax number, double min, double max, DiagnosticDescriptor outOfRange, string what)
    {
        if (!Plain(number, what))
            return null;
        if (number.Value < min || number.Value > max)
        {
            Report(outOfRange, number.Span, $"{what} {number.Text} is outside [{Format(min)}, {Format(max)}]");
            return null;
        }
        return number.Value;
    }

    private bool Plain(NumberSyntax number, string what)
    {
        if (number.IsTooLarge)
        {
            Report(DiagnosticCatalog.NumberOutOfRange, number.Span, $"{what} {number.Text} is too large; no setting accepts more than {NumberSyntax.Limit:0}");
            return false;
        }
        if (number.IsPercent)
        {
            Report(DiagnosticCatalog.SyntaxError, number.Span, $"{what} {number.Text} cannot be a percentage; write a plain number");
            return false;
        }
        return true;
    }

    public static string Format(double value) => value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
