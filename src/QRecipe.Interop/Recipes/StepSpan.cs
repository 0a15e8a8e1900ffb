namespace QRecipe.Interop.Recipes;

/// <summary>Sampling steps First..Last of a recipe (step 0 is the first and noisiest), inclusive.</summary>
public readonly record struct StepSpan(int First, int Last);
