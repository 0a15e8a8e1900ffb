using System.Collections.Generic;
using System.Linq;
using QRecipe.Generator.Model;
using QRecipe.Language.Diagnostics;
using LanguageDiagnostic = QRecipe.Language.Diagnostics.Diagnostic;

namespace QRecipe.Generator;

/// <summary>QR0800: recipes are looked up by name (registry, CLI), so a name may be used by one file only, whatever
/// the namespaces. Every file after the first (in path order) gets the error at its recipe name.</summary>
internal static class DuplicateNames
{
    public static IEnumerable<LanguageDiagnostic> Find(RecipeSet set) =>
        from entry in set.Entries
        group entry by entry.ClassName into sameName
        let files = sameName.OrderBy(e => e.Path, System.StringComparer.Ordinal).ToList()
        from duplicate in files.Skip(1)
        select new LanguageDiagnostic(
            DiagnosticCatalog.DuplicateRecipeName,
            $"recipe name '{duplicate.ClassName}' is already used by '{files[0].Path}'; rename one of the recipes",
            duplicate.Path,
            duplicate.NameSpan);
}
