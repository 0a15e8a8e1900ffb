using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Cuda.Sc;

/// <summary>
/// The SC products on the device (Kernels/sc.cu), returning the exact integer accumulators that the CPU engine's
/// <see cref="EnableKernel"/> and <see cref="BitstreamKernel"/> return for the same codes, so the engine's fp32
/// decode (docs/sc-engine.md) applies unchanged. Quantization and the (small, data-independent) K tables and
/// sequences come from the CPU engine; the O(n·m·D·L) product runs here. Two inner loops: one read of the enable table
/// in shared memory per product when every dimension shares one table that fits (the unscrambled full length, the
/// default), else popcounts over b's packed streams.
/// </summary>
/// <param name="device">The GPU.</param>
/// <param name="allowTables">False forces the popcount loop (the self-test covers both).</param>
public sealed class CudaScProduct(CudaDevice device, bool allowTables = true) : IDisposable
{
    private const string Sc = "sc.cu";
    private const int Tile = 16;
    private const int TableChunk = 64;
    private readonly Dictionary<EnableTables, DeviceTables> tableCache = new(ReferenceEqualityComparer.Instance);

    /// <summary>Device time of the last product's kernels (k lookup, packing, product), without host transfers.</summary>
    public float LastKernelMilliseconds { get; private set; }

    /// <summary>acc[i·m + j] = Σ_d sign·C[d][K[d][ba]][bb], equal to <see cref="EnableKernel.Accumulate"/>.</summary>
    public int[] Enable(ScCodes a, ScCodes b, EnableTables tables) =>
        Mixed(a, b, [tables], new int[a.Rows]);

    /// <summary>
    /// Per-row stream lengths in one pass over b: row i of a uses <paramref name="levels"/>[rowLevel[i]] (tables
    /// built for that stream length); rowLevel −1 prunes the row (its outputs stay 0). Equal, row by row, to
    /// <see cref="EnableKernel.Accumulate"/> with that row's tables. Per-head lengths are one call per head.
    /// </summary>
    public int[] Mixed(ScCodes a, ScCodes b, IReadOnlyList<EnableTables> levels, int[] rowLevel)
    {
        Check(a, b);
        using var onDevice = DeviceCodes.Upload(device, [b]);
        (var acc, LastKernelMilliseconds) = MixedProduct([a], onDevice, levels, rowLevel);
        return acc;
    }

    /// <summary>
    /// Independent products on one set of tables (attention heads, equal chunks): acc[s] equals
    /// <see cref="Enable"/>(a[s], b[s], tables). Slices of equal shapes run as one batch, the slices along the grid's
    /// z axis (one upload, one launch per kernel, one download); otherwise one product per slice.
    /// </summary>
    public int[][] EnableSlices(IReadOnlyList<ScCodes> a, IReadOnlyList<ScCodes> b, EnableTables tables)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"{a.Count} slices of a and {b.Count} of b");
        for (var s = 0; s < a.Count; s++)
            Check(a[s], b[s]);
        if (!Uniform(a) || !Uniform(b))
            return a.Select((codes, s) => Enable(codes, b[s], tables)).ToArray();
        using var onDevice = DeviceCodes.Upload(device, b);
        return EnableSlices(a, onDevice, tables);
    }

    /// <summary><see cref="EnableSlices(IReadOnlyList{ScCodes}, IReadOnlyList{ScCodes}, EnableTables)"/> with b already
    /// on the device (a prepared weight kept there for a run): one slice of a per slice of b, all of one shape.</summary>
    public int[][] EnableSlices(IReadOnlyList<ScCodes> a, DeviceCodes b, EnableTables tables)
    {
        (var acc, LastKernelMilliseconds) = MixedProduct(a, b, [tables], new int[a[0].Rows]);
        var perSlice = a[0].Rows * b.Rows;
        return Enumerable.Range(0, a.Count).Select(s => acc.AsSpan(s * perSlice, perSlice).ToArray()).ToArray();
    }

    /// <summary>
    /// Per-row and per-weight-group ("combined") stream lengths: output (i, j) uses the tables of the shorter of
    /// <paramref name="levels"/>[rowLevel[i]] and <paramref name="levels"/>[columnLevel[j]]; −1 on either side prunes
    /// it (0). Equal, output by output, to <see cref="EnableKernel.Accumulate"/> at that length, which is what
    /// <see cref="ScMixedPrecision"/> decodes for per-row scales. One <see cref="Mixed"/> product per weight group on
    /// that group's rows of b (<see cref="CombinedLengths"/>), scattered into the n×m result on the host.
    /// </summary>
    public int[] Combined(ScCodes a, ScCodes b, IReadOnlyList<EnableTables> levels, int[] rowLevel, int[] columnLevel)
    {
        Check(a, b);
        if (rowLevel.Length != a.Rows || columnLevel.Length != b.Rows)
            throw new ArgumentException($"{rowLevel.Length} row and {columnLevel.Length} column levels for {a.Rows} rows of a and {b.Rows} of b");
        var lengths = new int[levels.Count];
        for (var level = 0; level < lengths.Length; level++)
            lengths[level] = levels[level].Sequences.Length;
        int n = a.Rows, m = b.Rows;
        var acc = new int[n * m];
        LastKernelMilliseconds = 0;
        foreach (var group in CombinedLengths.Plan(lengths, rowLevel, columnLevel))
        {
            using var columns = DeviceCodes.Upload(device, [b.Gather(group.Columns)]);
            var (part, milliseconds) = MixedProduct([a], columns, levels, group.RowLevel);
            LastKernelMilliseconds += milliseconds;
            var width = group.Columns.Length;
            for (var i = 0; i < n; i++)
            {
                for (var c = 0; c < width; c++)
                    acc[i * m + group.Columns[c]] = part[i * width + c];
            }
        }

        return acc;
    }

    public void Dispose()
    {
        foreach (var tables in tableCache.Values)
            tables.Dispose();
        tableCache.Clear();
    }

    /// <summary><see cref="Mixed"/>'s accumulators, slice after slice, and kernel time: slice s of a (all of one shape)
    /// times slice s of b; <paramref name="rowLevel"/> has one entry per row of a slice and applies to every slice.</summary>
    private (int[] Acc, float Milliseconds) MixedProduct(IReadOnlyList<ScCodes> a, DeviceCodes b, IReadOnlyList<EnableTables> levels, int[] rowLevel)
    {
        int n = a[0].Rows, m = b.Rows, dims = b.Dims, slices = a.Count;
        if (slices != b.Slices || !Uniform(a) || a[0].Dims != dims)
            throw new ArgumentException($"{slices} slices of a ({n}×{a[0].Dims} first) for {b.Slices} slices of b ({m}×{dims})");
        using var boundaryA = device.Upload<ushort>(DeviceCodes.Join(a, c => c.Boundary, n * dims));
        using var signA = device.Upload<sbyte>(DeviceCodes.Join(a, c => c.Sign, n * dims));
        using var acc = device.Allocate<int>((long)slices * n * m);
        var milliseconds = Accumulate(new CodesOnDevice(boundaryA.Pointer, signA.Pointer, slices, n, dims),
            new CodesOnDevice(b.Boundary.Pointer, b.Sign.Pointer, slices, m, dims), levels, rowLevel, acc.Pointer);
        return (acc.Download<int>(checked(slices * n * m)), milliseconds);
    }

    /// <summary>
    /// The enable-signal accumulators of codes already on the device into <paramref name="acc"/> (slices × n × m ints
    /// on the device, overwritten), and the kernels' time: slice s of a times slice s of b, row i of every slice at
    /// <paramref name="levels"/>[rowLevel[i]] (−1 prunes it: 0). Nothing crosses to the host but the row indices and,
    /// on first use, the tables.
    /// </summary>
    internal float Accumulate(CodesOnDevice a, CodesOnDevice b, IReadOnlyList<EnableTables> levels, int[] rowLevel, ulong acc)
    {
        int n = a.Rows, m = b.Rows, dims = b.Dims, slices = a.Slices;
        if (slices != b.Slices || a.Dims != dims)
            throw new ArgumentException($"{slices} slices of a ({n}×{a.Dims}) for {b.Slices} slices of b ({m}×{dims})");
        if (rowLevel.Length != n)
            throw new ArgumentException($"{rowLevel.Length} row levels for {n} rows of a", nameof(rowLevel));
        var strides = new KernelArguments().Long((long)n * dims).Long((long)m * dims).Long((long)n * m);
        device.Zero(acc, (long)slices * n * m * sizeof(int));
        using var ka = device.Allocate<int>((long)slices * n * dims);
        float milliseconds = 0;
        for (var level = 0; level < levels.Count; level++)
        {
            var rows = new List<int>();
            for (var i = 0; i < n; i++)
            {
                if (rowLevel[i] == level)
                    rows.Add(i);
                else if (rowLevel[i] < -1 || rowLevel[i] >= levels.Count)
                    throw new ArgumentOutOfRangeException(nameof(rowLevel), rowLevel[i], $"row {i}: level must be -1 (pruned) or below {levels.Count}");
            }

            if (rows.Count == 0)
                continue;
            var tables = levels[level];
            // Tables for more dimensions serve a narrower product (a chunked call's last chunk, as in the CPU engine):
            // a dimension's sequences do not depend on how many there are.
            if (tables.Sequences.Dims < dims)
                throw new ArgumentException($"level {level} tables cover {tables.Sequences.Dims} dimensions, fewer than the operands' {dims}", nameof(levels));
            // Everything is uploaded before the timer starts, so it measures the kernels only.
            var onDevice = Tables(tables);
            var words = (tables.Sequences.Length + 31) / 32;
            using var index = device.Upload<int>(rows.ToArray());
            using var bits = onDevice.Sequence is null ? null : device.Allocate<uint>((long)slices * m * dims * words);
            using var timer = device.StartTimer();
            device.LaunchElements(Sc, "sc_k_lookup", (long)slices * n * dims, new KernelArguments()
                .ULong(a.Boundary).ULong(a.Sign).Pointer(onDevice.K).Pointer(ka).Int(dims).Int(tables.Grid).Long((long)slices * n * dims));
            var operands = new KernelArguments().Pointer(ka);
            if (onDevice.Table is not null)
                TableProduct(operands, b, onDevice.Table, tables, onDevice.SharedBytes!.Value, index, rows.Count, acc, strides);
            else
                PopcountProduct(operands, b, onDevice.Sequence!, bits!, tables.Sequences.Length, index, rows.Count, acc, strides);
            milliseconds += timer.Stop();
        }

        return milliseconds;
    }

    /// <summary>The tables' device copy for this product's inner loop, uploaded on first use.</summary>
    private DeviceTables Tables(EnableTables tables)
    {
        if (!tableCache.TryGetValue(tables, out var onDevice))
            tableCache[tables] = onDevice = new DeviceTables(device, tables, SharedTableBytes(tables));
        return onDevice;
    }

    private static bool Uniform(IReadOnlyList<ScCodes> slices) =>
        slices.Count > 0 && slices.All(s => s.Rows == slices[0].Rows && s.Dims == slices[0].Dims);

    /// <summary>The legacy XNOR (bipolar) or AND (unipolar) product, the kernel the sequences' geometry names,
    /// equal to <see cref="BitstreamKernel.Accumulate"/>.</summary>
    public int[] Bitstream(ScCodes a, ScCodes b, ScSequences sequences)
    {
        Check(a, b);
        var xnor = BitstreamKernel.IsXnor(sequences);
        var g = sequences.Geometry;
        int n = a.Rows, m = b.Rows, dims = a.Dims, length = sequences.Length, words = (length + 31) / 32;
        // Uploads first, so the timer measures packing and product only.
        using var valuesA = device.Upload<short>(a.Value);
        using var valuesB = device.Upload<short>(b.Value);
        using var rngA = device.Upload<ushort>(sequences.A);
        using var rngB = device.Upload<ushort>(sequences.B);
        using var packedA = device.Allocate<uint>((long)n * dims * words);
        using var packedB = device.Allocate<uint>((long)m * dims * words);
        using var acc = device.Allocate<int>((long)n * m);
        var legacy = new KernelArguments().Int(xnor ? 1 : 0).Int(g.P);
        using var timer = device.StartTimer();
        Pack("sc_pack_legacy", new KernelArguments().Pointer(valuesA).Pointer(rngA).Pointer(packedA), n, dims, length, words, legacy);
        Pack("sc_pack_legacy", new KernelArguments().Pointer(valuesB).Pointer(rngB).Pointer(packedB), m, dims, length, words, legacy);
        device.Launch(Sc, "sc_bitstream_product", ((uint)((m + Tile - 1) / Tile), (uint)((n + Tile - 1) / Tile), 1), (Tile, Tile, 1), 0,
            new KernelArguments().Pointer(packedA).Pointer(packedB).Pointer(acc).Int(n).Int(m).Int(dims * words)
                .Int(xnor ? 1 : 0).Long((long)dims * length));
        LastKernelMilliseconds = timer.Stop();
        return acc.Download<int>(n * m);
    }

    /// <summary>One read of the shared-memory table per product; blocks loop over output tiles, as many blocks as fit
    /// the multiprocessors at once, shared among the slices.</summary>
    private void TableProduct(KernelArguments operands, CodesOnDevice b, DeviceBuffer table, EnableTables tables, int shared, DeviceBuffer index,
        int rows, ulong acc, KernelArguments strides)
    {
        var tiles = (long)((b.Rows + Tile - 1) / Tile) * ((rows + Tile - 1) / Tile);
        var resident = (long)device.Multiprocessors * Math.Max(1, device.MaxSharedMemoryPerBlock / shared);
        var blocks = (uint)Math.Min(tiles, Math.Max(1, (resident + b.Slices - 1) / b.Slices));
        device.Launch(Sc, "sc_enable_table_product", (blocks, 1, (uint)b.Slices), (Tile, Tile, 1), shared, operands.ULong(b.Boundary)
            .ULong(b.Sign).Pointer(table).Int(tables.SliceSize).Int(tables.RowWidth).Pointer(index).Int(rows).ULong(acc).Int(b.Rows)
            .Int(b.Dims).Append(strides));
    }

    /// <summary>b's streams packed 32 cycles per word, then popcounts of their k-bit prefixes.</summary>
    private void PopcountProduct(KernelArguments operands, CodesOnDevice b, DeviceBuffer sequence, DeviceBuffer bits, int length, DeviceBuffer index,
        int rows, ulong acc, KernelArguments strides)
    {
        var words = (length + 31) / 32;
        Pack("sc_pack_enable", new KernelArguments().ULong(b.Boundary).Pointer(sequence).Pointer(bits), b.Slices * b.Rows, b.Dims, length, words);
        var chunk = Math.Clamp(8192 / (Tile * words), 1, 64);
        var shared = (Tile * (chunk * words + 1) + Tile * chunk) * 4 + Tile * chunk;
        device.Launch(Sc, "sc_enable_product", ((uint)((b.Rows + Tile - 1) / Tile), (uint)((rows + Tile - 1) / Tile), (uint)b.Slices), (Tile, Tile, 1),
            shared, operands.Pointer(bits).ULong(b.Sign).Pointer(index).Int(rows).ULong(acc).Int(b.Rows).Int(b.Dims).Int(words).Int(chunk)
                .Append(strides));
    }

    /// <summary>Shared memory of the table kernel when this call can use it: one distinct mask (so one C table for
    /// every dimension) and the table plus staging (64 dimensions of 16 rows and 16 columns) fit the device.</summary>
    private int? SharedTableBytes(EnableTables tables)
    {
        var masks = tables.Sequences.Masks;
        if (!allowTables || Array.Exists(masks, mask => mask != masks[0]))
            return null;
        var bytes = (tables.SliceSize + 1) / 2 * 2 * sizeof(ushort) + Tile * TableChunk * (sizeof(int) + sizeof(ushort) + 1);
        return bytes <= device.MaxSharedMemoryPerBlock ? bytes : null;
    }

    /// <summary>Packs streams: one block column per dimension (its sequence prefix in shared memory), 64 row chunks.</summary>
    private void Pack(string kernel, KernelArguments operands, int rows, int dims, int length, int words, KernelArguments? tail = null)
    {
        operands.Int(rows).Int(dims).Int(length).Int(words);
        if (tail is not null)
            operands.Append(tail);
        var chunks = (uint)Math.Clamp(((long)rows * words + 255) / 256, 1, 64);
        device.Launch(Sc, kernel, ((uint)dims, chunks, 1), (256, 1, 1), length * sizeof(ushort), operands);
    }

    private static void Check(ScCodes a, ScCodes b)
    {
        if (a.Dims != b.Dims)
            throw new ArgumentException($"operands have {a.Dims} and {b.Dims} dimensions");
    }
}
