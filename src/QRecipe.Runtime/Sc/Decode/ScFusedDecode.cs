namespace QRecipe.Runtime.Sc.Decode;

/// <summary>
/// The vector decode of one product (docs/sc-engine.md) in the form the row-table kernel applies while it writes
/// its rows: out[i, j] = 0 + (fp32(acc)·<paramref name="Factor"/>)·(row_i·<paramref name="ColumnScales"/>[j]), with
/// row_i = <paramref name="RowScales"/>[i] or 1 when null. <paramref name="Output"/> is the pinned n×m fp32 output.
/// </summary>
internal readonly record struct ScFusedDecode(nint Output, float Factor, float[]? RowScales, float[] ColumnScales);
