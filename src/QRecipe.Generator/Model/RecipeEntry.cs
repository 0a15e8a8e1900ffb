using QRecipe.Plan.Text;

namespace QRecipe.Generator.Model;

/// <summary>What the registry and the duplicate-name check need to know about one recipe.</summary>
internal sealed record RecipeEntry(string Namespace, string ClassName, string Path, SourceSpan NameSpan);
