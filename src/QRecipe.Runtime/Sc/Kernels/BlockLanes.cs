using System.Runtime.Intrinsics;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// The 32 rows of a row-table block at one dimension, as <see cref="EnableRowTableKernel"/>'s table builds read them:
/// k = K[d][ba] (0 where a is 0 or the lane is beyond n) and a's sign as a 0 / −1 mask. Gathered 16 lanes at a time
/// (rows are dims apart in a's row-major codes); a scalar loop over the rows cost about 7% of an attention call.
/// </summary>
internal readonly unsafe struct BlockLanes
{
    private readonly ushort* boundary;
    private readonly sbyte* sign;
    private readonly ushort* kTable;
    private readonly int stride;
    private readonly Vector512<int> rowsLow, rowsHigh, validLow, validHigh;

    /// <summary>Rows [firstRow, firstRow + rows) of a's codes (dims per row); K has <paramref name="stride"/> entries per d.</summary>
    public BlockLanes(ushort* boundary, sbyte* sign, ushort* kTable, int stride, int firstRow, int rows, int dims)
    {
        this.boundary = boundary;
        this.sign = sign;
        this.kTable = kTable;
        this.stride = stride;
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var count = Vector512.Create(rows);
        validLow = Vector512.LessThan(lane, count);
        validHigh = Vector512.LessThan(lane + Vector512.Create(16), count);
        // Lanes beyond n read row firstRow (valid memory) and are masked to 0.
        rowsLow = (Vector512.Create(firstRow) + (lane & validLow)) * Vector512.Create(dims);
        rowsHigh = (Vector512.Create(firstRow) + ((lane + Vector512.Create(16)) & validHigh)) * Vector512.Create(dims);
    }

    public (Vector512<ushort> K, Vector512<short> Negative) At(int d)
    {
        var (kLow, negativeLow) = Half(rowsLow + Vector512.Create(d), validLow, d);
        var (kHigh, negativeHigh) = Half(rowsHigh + Vector512.Create(d), validHigh, d);
        return (Vector512.Narrow(kLow, kHigh).AsUInt16(), Vector512.Narrow(negativeLow, negativeHigh));
    }

    private (Vector512<int> K, Vector512<int> Negative) Half(Vector512<int> element, Vector512<int> valid, int d)
    {
        var ba = Gather16.Halves((int*)((byte*)boundary - 2), element).AsUInt32() >>> 16;
        var sa = Gather16.Bytes((int*)((byte*)sign - 3), element) >> 24;
        var k = Gather16.Halves((int*)((byte*)kTable - 2), ba.AsInt32() + Vector512.Create(d * stride)).AsUInt32() >>> 16;
        var live = valid & ~Vector512.Equals(sa, Vector512<int>.Zero);
        return (k.AsInt32() & live, (sa >> 31) & valid);
    }
}
