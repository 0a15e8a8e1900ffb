using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Numerics;
using System.Threading.Tasks;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// The two tables of the enable-signal product (docs/sc-engine.md). A dimension's tables depend only on (p, L, G)
/// and its XOR mask, never on the data, so C slices are shared by all dimensions with the same mask (at most 2^p
/// distinct; one at full length) and cached for the process when small.
/// <para>K[d][v] = #{t &lt; L : ra[d,t] &lt; v}: the one-count of a's stream for boundary v.</para>
/// <para>C[k][v] = #{i &lt; k : rb[i] &lt; v}: the one-count of b's stream prefix of length k; rows of
/// <see cref="RowWidth"/> entries (G rounded up to 64). C[k][G] = k always, so v = G is answered without the table.</para>
/// </summary>
public sealed class EnableTables
{
    /// <summary>Slices up to this many entries (1 MiB) are cached across calls: p ≤ 9 at any L.</summary>
    private const int CachedSliceEntries = 1 << 19;

    private static readonly ConcurrentDictionary<(int P, int L, int G, int Mask), ushort[]> Cache = new();

    public EnableTables(ScSequences sequences, int grid)
    {
        // The slices are cached by (p, L, G, mask), which identifies the enable kernel's sequences only.
        if (sequences.Geometry.Kernel != ScKernel.Enable)
            throw new ArgumentException($"enable tables need the enable kernel's sequences, not the {sequences.Geometry.Kernel} kernel's", nameof(sequences));
        Sequences = sequences;
        Grid = grid;
        streamOrder = new Lazy<(ushort[], int[])>(BuildStreamOrder);
        RowWidth = (grid + 63) / 64 * 64;
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

    /// <summary>Entries of one C slice: (L + 1) rows of <see cref="RowWidth"/>.</summary>
    public int SliceSize => (Sequences.Length + 1) * RowWidth;

    /// <summary>The C slices of dimensions [d0, d0 + count), once per distinct mask in it: cached for the process when
    /// small; otherwise built into <paramref name="reuse"/>'s buffers, which the next call with the same buffers
    /// reuses (so the slices returned stay valid only until then), or into new arrays without it.</summary>
    public ushort[][] Slices(int d0, int count, EnableSliceBuffers? reuse = null)
    {
        var g = Sequences.Geometry;
        var representative = new Dictionary<int, int>();
        for (var d = d0; d < d0 + count; d++)
            representative.TryAdd(Sequences.Masks[d], d);
        var masks = new List<int>(representative.Keys);
        var built = new ushort[masks.Count][];
        if (SliceSize <= CachedSliceEntries)
            Parallel.For(0, masks.Count, i => built[i] = Cache.GetOrAdd((g.P, g.L, g.G, masks[i]), _ => BuildSlice(representative[masks[i]], new ushort[SliceSize])));
        else
        {
            var buffers = reuse?.Assign(masks, SliceSize);
            Parallel.For(0, masks.Count, i => built[i] = buffers is null
                ? BuildSlice(representative[masks[i]], new ushort[SliceSize])
                : buffers[i].Build ? BuildSlice(representative[masks[i]], buffers[i].Buffer) : buffers[i].Buffer);
        }

        var local = new Dictionary<int, ushort[]>();
        for (var i = 0; i < masks.Count; i++)
            local[masks[i]] = built[i];
        var slices = new ushort[count][];
        for (var d = d0; d < d0 + count; d++)
            slices[d - d0] = local[Sequences.Masks[d]];
        return slices;
    }

    /// <summary>
    /// b's stream of each dimension ordered by value: <c>Cycles[d·L + i]</c> is the i-th cycle t &lt; L in order of
    /// (rb[d,t], t), and <c>Below[d·(G + 1) + v]</c> = #{t &lt; L : rb[d,t] &lt; v}. So C[k][v] = #{i &lt; Below[d][v] :
    /// Cycles[d·L + i] &lt; k}, and a table over ascending v costs one compare per cycle, L in all, whatever the grid.
    /// </summary>
    public (ushort[] Cycles, int[] Below) StreamOrder() => streamOrder.Value;

    private readonly Lazy<(ushort[], int[])> streamOrder;

    private (ushort[] Cycles, int[] Below) BuildStreamOrder()
    {
        var (length, dims, grid) = (Sequences.Length, Sequences.Dims, Grid);
        var cycles = new ushort[dims * length];
        var below = new int[dims * (grid + 1)];
        var next = new int[grid + 1];
        for (var d = 0; d < dims; d++)
        {
            var counts = below.AsSpan(d * (grid + 1), grid + 1);
            for (var t = 0; t < length; t++)
                counts[Sequences.B[d * length + t]]++;
            // Counts per value become the number of cycles below each value (an exclusive prefix sum).
            var sum = 0;
            for (var v = 0; v <= grid; v++)
                (counts[v], sum) = (sum, sum + counts[v]);
            counts.CopyTo(next);
            for (var t = 0; t < length; t++)
                cycles[d * length + next[Sequences.B[d * length + t]]++] = (ushort)t;
        }

        return (cycles, below);
    }

    /// <summary>Row 0 = 0, row k+1 = row k + [v &gt; rb[d,k]], written over whatever <paramref name="c"/> held.</summary>
    private ushort[] BuildSlice(int d, ushort[] c)
    {
        var length = Sequences.Length;
        var width = RowWidth;
        c.AsSpan(0, width).Clear();
        for (var k = 0; k < length; k++)
        {
            var r = Sequences.B[d * length + k];
            var next = c.AsSpan((k + 1) * width, width);
            c.AsSpan(k * width, width).CopyTo(next);
            AddOne(next[(r + 1)..]);
        }

        return c;
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
