using System.IO;
using QRecipe.Language.Diagnostics;

namespace QRecipe.Cli.Tests;

public sealed class DocumentationTests
{
    [Fact]
    public void Every_diagnostic_id_is_documented_with_its_severity()
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, "..", "docs", "diagnostics.md"));
        foreach (var descriptor in DiagnosticCatalog.All)
        {
            var severity = descriptor.Severity.ToString().ToLowerInvariant();
            // The anchor is what the generator's help links (docs/diagnostics.md#qr0616) point at.
            Assert.Contains($"| <a id=\"{descriptor.Id.ToLowerInvariant()}\"></a>{descriptor.Id} | {severity} |", docs);
        }
    }
}
