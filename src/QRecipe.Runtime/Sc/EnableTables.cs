using System;
using System.Numerics;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// The two tables of the enable-signal product (sc-kernels.md §4.2). Both depend only on the prepared sequences,
/// i.e. on (p, L, G, scramble) and the dimension's mask, never on the data.
/// <para>K[d][v] = #{t &lt; L : ra[d,t] &lt; v}: the one-count of a's stream for boundary v.</para>
/// <para>C[d][k][v] = #{i &lt; k : rb[d,i] &lt; v}: the one-count of b's stream prefix of length k; rows are padded to
/// <see cref="RowWidth"/> (a multiple of 64 above G) with entries v &gt; G = k, which are never read.</para>
/// </summary>
public sealed class EnableTables
{
    public EnableTables(ScSequences sequences, int grid)
    {
        Sequences = sequences;
        Grid = grid;
        RowWidth = (grid + 1 + 63) / 64 * 64;
        K = new ushort[sequences.Dims * (grid + 1)];
        var length = sequences.Length;
        var histogram = new int[grid + 1];
        for (var d = 0; d < sequences.Dims; d++)
        {
            Array.Clear(histogram);
            for (var t = 0; t < length; t++)
                histogram[sequences.A[d * length + t]]++;
            var below = 0;
            for (var v = 0; v <= grid; v++)
            {
                K[d * (grid + 1) + v] = (ushort)below;
                below += histogram[v];
            }
        }
    }

    public ScSequences Sequences { get; }
    public int Grid { get; }
    public int RowWidth { get; }
    public ushort[] K { get; }

    /// <summary>Number of ushort entries of one dimension's C slice: (L + 1) rows of <see cref="RowWidth"/>.</summary>
    public int SliceSize => (Sequences.Length + 1) * RowWidth;

    /// <summary>Fills C for dimensions [d0, d0 + count) into <paramref name="destination"/> (slice after slice):
    /// row k+1 = row k + [v &gt; rb[d,k]].</summary>
    public void BuildC(int d0, int count, ushort[] destination)
    {
        var length = Sequences.Length;
        var width = RowWidth;
        var slice = SliceSize;
        Parallel.For(0, count, i =>
        {
            var d = d0 + i;
            var c = destination.AsSpan(i * slice, slice);
            c[..width].Clear();
            for (var k = 0; k < length; k++)
            {
                var r = Sequences.B[d * length + k];
                var previous = c.Slice(k * width, width);
                var next = c.Slice((k + 1) * width, width);
                previous.CopyTo(next);
                AddOne(next[(r + 1)..]);
            }
        });
    }

    private static void AddOne(Span<ushort> values)
    {
        var one = Vector<ushort>.One;
        var i = 0;
        for (; i + Vector<ushort>.Count <= values.Length; i += Vector<ushort>.Count)
            (new Vector<ushort>(values[i..]) + one).CopyTo(values[i..]);
        for (; i < values.Length; i++)
            values[i]++;
    }
}
