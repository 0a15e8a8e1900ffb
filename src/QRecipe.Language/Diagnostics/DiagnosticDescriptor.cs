namespace QRecipe.Language.Diagnostics;

/// <summary>A diagnostic kind: a stable ID, its severity and a one-line title (docs/diagnostics.md has one entry
/// per ID). Messages are written per occurrence and name the value and the limit.</summary>
public sealed record DiagnosticDescriptor(string Id, DiagnosticSeverity Severity, string Title, string Category);
