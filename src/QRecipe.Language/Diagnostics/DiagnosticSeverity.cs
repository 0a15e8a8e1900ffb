namespace QRecipe.Language.Diagnostics;

public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}
