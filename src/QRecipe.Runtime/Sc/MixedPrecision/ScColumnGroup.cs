using QRecipe.Runtime.Sc.Encoding;

namespace QRecipe.Runtime.Sc.MixedPrecision;

/// <summary>Rows of b (output columns of the product) that share one stream length, prepared once; B is null for a
/// pruned group (length 0), whose outputs stay 0.</summary>
public sealed record ScColumnGroup(int[] Columns, int Stream, ScPreparedOperand? B);
