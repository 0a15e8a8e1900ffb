using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>What an imported recipe declares that the source file may not: class name, model, steps and, for
/// formats without them, the quantizer widths and SC kernel settings (scmp's defaults unless given).</summary>
public sealed record ImportOptions(string Name, string ModelText, ModelSpec Model, int Steps, string Precision, string Kernel, int? WeightBits, int? ActivationBits);
