using QRecipe.Plan;
using QRecipe.Plan.Text;
using LanguageDiagnostic = QRecipe.Language.Diagnostics.Diagnostic;

namespace QRecipe.Generator.Model;

/// <summary>
/// Everything the emitter needs for one recipe file, as equatable values (no Roslyn objects, so cached steps
/// compare by content). <see cref="Plan"/> is null when the recipe has errors; the emitter then writes a
/// best-effort class with the same members so user code does not cascade into CS0246.
/// </summary>
/// <param name="Path">The file path as the compiler sees it (absolute in builds); used for #line and diagnostics.</param>
/// <param name="RelativePath">Project-relative path with '/' separators, written into the class.</param>
/// <param name="NameSpan">Span of the recipe name in the file, for #line; default when the name is missing.</param>
/// <param name="DescriptionSpan">Span of the description string; default when there is none.</param>
internal sealed record RecipeModel(
    string Path,
    string RelativePath,
    string HintName,
    string Namespace,
    string ClassName,
    string Description,
    SourceSpan NameSpan,
    SourceSpan DescriptionSpan,
    RecipePlan? Plan,
    EquatableArray<LanguageDiagnostic> Diagnostics,
    bool ModernSyntax)
{
    public RecipeEntry Entry => new(Namespace, ClassName, Path, NameSpan);
}
