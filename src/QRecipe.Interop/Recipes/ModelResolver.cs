using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>Reads a model as a recipe's <c>model</c> statement says it, through the recipe compiler itself, so names
/// and custom shapes mean what they mean in a recipe.</summary>
public static class ModelResolver
{
    /// <summary>The model, or the compiler's first error message.</summary>
    public static (ModelSpec? Model, string? Error) Resolve(string modelText)
    {
        var header = RecipeCompiler.Compile($"recipe ModelOption\nmodel {modelText}\nsampler ddpm steps 1\n", "--model");
        return header.Plan is { } plan
            ? (plan.Model, null)
            : (null, header.Diagnostics.First(d => d.IsError).Message);
    }
}
