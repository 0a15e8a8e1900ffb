using QRecipe.Plan;

namespace QRecipe.Generator.Model;

/// <summary>All recipes of the compilation in a stable order (namespace, name, path), for the registry and the
/// duplicate-name check.</summary>
internal sealed record RecipeSet(string Namespace, EquatableArray<RecipeEntry> Entries, bool ModernSyntax);
