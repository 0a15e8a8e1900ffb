using QRecipe.Language.Plan;

namespace QRecipe.Runtime.Sc;

/// <summary>One call's kernel: the prepared sequences and, for the enable kernel, its K table, shared by every
/// chunk and slice of the call.</summary>
internal sealed class ScProduct(ScGeometry geometry, ScKernel kernel, bool bipolar, ScSequences sequences)
{
    private readonly EnableTables? tables = kernel == ScKernel.Enable ? new EnableTables(sequences, geometry.G) : null;

    public ScPartial Run(ScCodes a, ScCodes b, ScDecode decode)
    {
        var acc = tables is not null
            ? EnableKernel.Accumulate(a, b, tables, signed: bipolar)
            : BitstreamKernel.Accumulate(a, b, sequences, kernel == ScKernel.Xnor, geometry.P, geometry.QMax);
        return new ScPartial(acc, a, b, decode);
    }
}
