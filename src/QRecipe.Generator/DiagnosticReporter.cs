using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using QRecipe.Plan.Text;
using LanguageCatalog = QRecipe.Language.Diagnostics.DiagnosticCatalog;
using LanguageDiagnostic = QRecipe.Language.Diagnostics.Diagnostic;
using LanguageSeverity = QRecipe.Language.Diagnostics.DiagnosticSeverity;

namespace QRecipe.Generator;

/// <summary>
/// Converts language diagnostics into compiler diagnostics with the same ID, severity and message, located in the
/// <c>.qrecipe</c> file. Locations are created only here, at report time: a Location or Diagnostic in a pipeline
/// value would break caching (roslyn#68291).
/// </summary>
internal static class DiagnosticReporter
{
    // The page ships with the version that reports the diagnostic: docs/diagnostics.md of the repository and of the
    // package (the same relative path from the package root), with an anchor per ID.
    private const string HelpLinkBase = "docs/diagnostics.md#";

    // One Roslyn descriptor per language descriptor; immutable after construction, so safe to share across builds.
    private static readonly Dictionary<string, DiagnosticDescriptor> s_descriptors =
        LanguageCatalog.All.ToDictionary(d => d.Id, d => new DiagnosticDescriptor(
            d.Id,
            d.Title,
            "{0}",
            "QRecipe." + d.Category,
            Severity(d.Severity),
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + d.Id.ToLowerInvariant(),
            customTags: d.Severity == LanguageSeverity.Error ? new[] { WellKnownDiagnosticTags.NotConfigurable } : new string[0]));

    public static Diagnostic ToRoslyn(LanguageDiagnostic diagnostic) =>
        Diagnostic.Create(s_descriptors[diagnostic.Id], Location(diagnostic.Path, diagnostic.Span), diagnostic.Message);

    public static Location Location(string path, SourceSpan span)
    {
        // A default span (a file-level problem) still names the file, at its start.
        var start = new LinePosition(System.Math.Max(0, span.Line - 1), System.Math.Max(0, span.Column - 1));
        var end = new LinePosition(System.Math.Max(0, span.EndLine - 1), System.Math.Max(0, span.EndColumn - 1));
        return Microsoft.CodeAnalysis.Location.Create(path, new TextSpan(span.Start, span.Length), new LinePositionSpan(start, end < start ? start : end));
    }

    private static DiagnosticSeverity Severity(LanguageSeverity severity) => severity switch
    {
        LanguageSeverity.Error => DiagnosticSeverity.Error,
        LanguageSeverity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };
}
