using System.IO;
using System.Linq;
using System.Reflection;
using QRecipe.Cli.Commands;
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

    [Fact]
    public void Every_import_and_export_diagnostic_id_is_documented_with_its_severity()
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, "..", "docs", "diagnostics.md"));
        foreach (var descriptor in QRecipe.Interop.Diagnostics.InteropDiagnostics.All)
            Assert.Contains($"| <a id=\"{descriptor.Id.ToLowerInvariant()}\"></a>{descriptor.Id} | {(descriptor.IsError ? "error" : "warning")} |", docs);
    }

    [Fact]
    public void Every_exit_code_is_in_the_table_of_docs_cli()
    {
        var docs = File.ReadAllText(Path.Combine(CliRunner.RecipesFolder, "..", "docs", "cli.md"));
        var codes = typeof(CliApp).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (int)f.GetValue(null)!)
            .Append(RunCommand.Cancelled);
        foreach (var code in codes)
            Assert.Contains($"\n| {code} | ", docs);
    }
}
