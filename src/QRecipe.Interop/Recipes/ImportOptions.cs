using QRecipe.Plan;

namespace QRecipe.Interop.Recipes;

/// <summary>What an imported recipe declares that the source file may not: class name, model, steps and, for
/// formats without them, the quantizer widths and SC kernel settings (scmp's defaults unless given).</summary>
public sealed record ImportOptions(string Name, string ModelText, ModelSpec Model, int Steps, string Precision, string Kernel, int? WeightBits, int? ActivationBits)
{
    /// <summary>Checks a file a source file names (ViDiT-Q's <c>part_fp_list</c>) before it is opened: null when it may
    /// be read, otherwise the rest of a refusal ("is a named pipe, not a regular file"). The caller owns the file
    /// system policy; opening a named pipe would wait for a writer forever.</summary>
    public System.Func<string, string?>? SideFileProblem { get; init; }
}
