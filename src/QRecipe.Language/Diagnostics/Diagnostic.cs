using QRecipe.Plan.Text;

namespace QRecipe.Language.Diagnostics;

/// <summary>One problem found in a recipe, located in its file.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, string Message, string Path, SourceSpan Span)
{
    public string Id => Descriptor.Id;

    public DiagnosticSeverity Severity => Descriptor.Severity;

    public bool IsError => Descriptor.Severity == DiagnosticSeverity.Error;

    /// <summary>MSBuild-style text: <c>recipes/x.qrecipe(12,5): error QR0007: message</c>, one line: the path and
    /// the message may quote the user's text, so control characters in them are escaped (<see cref="SafeText"/>).</summary>
    public override string ToString() =>
        $"{SafeText.Escape(Path)}({Span.Line},{Span.Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {SafeText.Escape(Message)}";
}
