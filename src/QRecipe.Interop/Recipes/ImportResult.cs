using System.Collections.Generic;
using QRecipe.Interop.Diagnostics;

namespace QRecipe.Interop.Recipes;

/// <summary>An imported recipe and what was reported while making it (warnings only: errors throw).</summary>
public sealed record ImportResult(string Recipe, IReadOnlyList<InteropDiagnostic> Diagnostics);
