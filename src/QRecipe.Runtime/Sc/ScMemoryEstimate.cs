using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// A lower bound of the memory one exact SC product (<see cref="ScMatmul"/>) holds at once, computed from the options
/// and shapes before anything is allocated, so that a product that cannot fit is refused with a message instead of
/// ending in an out-of-memory crash. Counted in bytes, in double precision so no shape can overflow it:
/// <list type="bullet">
/// <item>codes: boundary, value and sign of every element of both operands (5 bytes each);</item>
/// <item>tables: both operands' prepared sequences (D × L, 16-bit), the enable kernel's K table (D × (G + 1), 16-bit) and what the
/// kernel builds: the enable kernel's lookup path the C slices of one block of dimensions ((L + 1) rows of G rounded up
/// to 64, 16-bit, per distinct scramble mask; one of 2 GiB at p = 15 and full length), its row-table path b's streams in value order (D × L 16-bit and D × (G + 1) 32-bit), the
/// XNOR and AND kernels both operands' packed streams of one slice (rows × D × ⌈L/64⌉ words);</item>
/// <item>products: the float32 output of every element of the product, and its int32 accumulators except where the
/// row-table path decodes as it writes (unchunked, per row or per head).</item>
/// </list>
/// D is the chunk width when the call is chunked.
/// </summary>
public readonly record struct ScMemoryEstimate(double CodeBytes, double TableBytes, double ProductBytes)
{
    public double TotalBytes => CodeBytes + TableBytes + ProductBytes;

    /// <summary>For a·bᵀ with a batch × n × d and b batch × m × d (batch 1 for 2-D operands); the options must be valid
    /// (<see cref="ScOptions.Resolve"/> throws otherwise).</summary>
    public static ScMemoryEstimate For(ScOptions options, long batch, long n, long m, long d)
    {
        var g = options.Resolve();
        double dims = options.Chunk > 0 ? Math.Min(options.Chunk, d) : d, length = g.L, grid = g.G;
        var codes = 5.0 * batch * (n + m) * d;
        var tables = 2 * dims * length * sizeof(ushort) + (g.Kernel == ScKernel.Enable ? dims * (grid + 1) * sizeof(ushort) : 0);
        var rowTables = g.Kernel == ScKernel.Enable && EnableKernel.TakesRowTables((int)Math.Min(m, int.MaxValue), g.L, g.G);
        // The row-table path decodes as it writes, unless the call is chunked or per tensor; the others fill int32 accumulators first.
        var fused = rowTables && options.Chunk == 0 && options.Granularity != ScGranularity.PerTensor;
        if (g.Kernel != ScKernel.Enable)
            tables += (n + m) * Math.Ceiling(dims * Math.Ceiling(length / 64) / 8) * 8 * sizeof(ulong);
        else if (rowTables)
            tables += dims * length * sizeof(ushort) + dims * (grid + 1) * sizeof(int);
        else
            tables += LookupSlices(g, (int)dims) * (length + 1) * Math.Ceiling(grid / 64) * 64 * sizeof(ushort);
        var products = (double)batch * n * m * (fused ? sizeof(float) : sizeof(int) + sizeof(float));
        return new ScMemoryEstimate(codes, tables, products);
    }

    /// <summary>The C slices the lookup path holds at once: one per distinct scramble mask among the first block of
    /// 32767 / L dimensions it builds together (one mask, 0, where the enable kernel scrambles nothing).</summary>
    private static int LookupSlices(in ScGeometry g, int dims)
    {
        var scrambled = g.Scramble != ScScramble.Off && (g.G != g.Full || g.L < g.Full);
        var block = Math.Max(1, Math.Min(dims, short.MaxValue / g.L));
        return ScrambleMasks.For(scrambled ? g.Scramble : ScScramble.Off, g.P, block, g.ScrambleSeed).Distinct().Count();
    }
}
