using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Sc.Surrogate;

// Usage: dotnet run --project scripts/cuda-emulate/dump -- <folder>
// For each case, <folder>/<case>.bin holds little-endian sections the emulator reads in the same order.
var folder = args.Length > 0 ? args[0] : "emulate-data";
Directory.CreateDirectory(folder);

void Write(string name, Action<BinaryWriter> body)
{
    using var writer = new BinaryWriter(File.Create(Path.Combine(folder, name + ".bin")));
    body(writer);
}

void Array<T>(BinaryWriter w, ReadOnlySpan<T> values) where T : unmanaged
{
    w.Write(values.Length);
    w.Write(MemoryMarshal.AsBytes(values));
}

float[] Values(int count, ulong stream, float scale = 2f)
{
    var values = new float[count];
    PhiloxRandom.FillUniform(values, 2026, stream, -scale, scale);
    return values;
}

// SC cases: header (n, m, dims, L, grid, p, kind 0 enable / 1 xnor / 2 and), codes, tables (empty for the legacy
// kernels, which have none), CPU accumulators.
// The last case's tables cover 200 dimensions for 150-dimensional operands, as a chunked call's narrower last chunk
// uses the first chunk's tables.
var cases = new (string Name, ScOptions Options, int TableDims)[]
{
    ("sc_p8_l256", new ScOptions(), 150),
    ("sc_p8_l128_bitrev", new ScOptions { Stream = 128 }, 150),
    ("sc_p8_l181_counter", new ScOptions { Stream = 181, Scramble = ScScramble.Counter }, 150),
    ("sc_p8_halve", new ScOptions { Halve = true }, 150),
    ("sc_unipolar_p6_l48", new ScOptions { Precision = 6, Stream = 48, Mode = ScMode.Unipolar }, 150),
    ("sc_xnor_p8_l256", new ScOptions { Kernel = ScKernel.Xnor }, 150),
    ("sc_and_p7_l100", new ScOptions { Precision = 7, Stream = 100, Mode = ScMode.Unipolar, Kernel = ScKernel.And }, 150),
    ("sc_p8_l96_wider_tables", new ScOptions { Stream = 96 }, 200),
};
const int n = 37, m = 21, dims = 150;
foreach (var (name, options, tableDims) in cases)
{
    var g = options.Resolve();
    var unipolar = options.Mode == ScMode.Unipolar;
    var a = Values(n * dims, 10);
    var b = Values(m * dims, 11);
    var qa = unipolar ? ScQuantizer.UnipolarGrouped(a, n, dims, 1, g) : ScQuantizer.BipolarGrouped(a, n, dims, 1, g);
    var qb = unipolar ? ScQuantizer.UnipolarGrouped(b, m, dims, 1, g) : ScQuantizer.BipolarGrouped(b, m, dims, 1, g);
    var sequences = ScSequences.Prepare(g, tableDims);
    var kind = options.Kernel == ScKernel.Enable ? 0 : options.Kernel == ScKernel.Xnor ? 1 : 2;
    var tables = kind == 0 ? new EnableTables(sequences, g.G) : null;
    var acc = tables is not null
        ? EnableKernel.Accumulate(qa, qb, tables, signed: !unipolar)
        : BitstreamKernel.Accumulate(qa, qb, sequences);
    Write(name, w =>
    {
        foreach (var v in new[] { n, m, dims, g.L, g.G, g.P, kind })
            w.Write(v);
        foreach (var codes in new[] { qa, qb })
        {
            Array<ushort>(w, codes.Boundary);
            Array<sbyte>(w, codes.Sign);
            Array<short>(w, codes.Value);
        }
        Array<ushort>(w, tables?.K ?? []);
        Array<ushort>(w, sequences.A);
        Array<ushort>(w, sequences.B);
        Array<int>(w, acc);
        w.Write(tables is not null && System.Array.TrueForAll(sequences.Masks, mask => mask == sequences.Masks[0]) ? 1 : 0);
        Array<ushort>(w, tables?.Slices(0, 1)[0] ?? []);
        w.Write(tables?.RowWidth ?? 0);
    });
}

// Row and elementwise cases: input(s) and the CPU backend's output.
var cpu = CpuBackend.Instance;
void Op(string name, int[][] inputs, int[] output, Action<Tensor[], Tensor> run, float scale = 2f)
{
    var tensors = new Tensor[inputs.Length];
    for (var i = 0; i < inputs.Length; i++)
        tensors[i] = Tensor.From(Values((int)new TensorShape(inputs[i]).ElementCount, (ulong)i, scale), inputs[i]);
    using var result = Tensor.Empty(output);
    run(tensors, result);
    Write(name, w =>
    {
        w.Write(inputs.Length);
        foreach (var t in tensors)
        {
            w.Write(t.Rank);
            foreach (var d in t.Shape.ToArray())
                w.Write(d);
            Array<float>(w, t.AsSpan<float>());
        }
        Array<float>(w, result.AsSpan<float>());
    });
    foreach (var t in tensors)
        t.Dispose();
}

Op("softmax", [[33, 257]], [33, 257], (x, y) => cpu.Softmax(x[0], y));
Op("layernorm", [[33, 1152]], [33, 1152], (x, y) => cpu.LayerNorm(x[0], y));
Op("groupnorm", [[2, 32, 9, 7], [32], [32]], [2, 32, 9, 7], (x, y) => cpu.GroupNorm(x[0], 8, x[1], x[2], y));
Op("gelu", [[4099]], [4099], (x, y) => cpu.Gelu(x[0], y));
Op("modulate", [[2, 17, 96], [2, 96], [2, 96]], [2, 17, 96], (x, y) => cpu.Modulate(x[0], x[1], x[2], y));
Op("patchify", [[2, 4, 8, 6]], [2, 12, 16], (x, y) => cpu.Patchify(x[0], 2, y));
Op("unpatchify", [[2, 12, 32]], [2, 8, 8, 6], (x, y) => cpu.Unpatchify(x[0], 2, y));
Op("merge_heads", [[2, 3, 17, 8]], [2, 17, 24], (x, y) => cpu.MergeHeads(x[0], y));
Op("transpose", [[3, 17, 29]], [3, 29, 17], (x, y) => cpu.TransposeLastTwo(x[0], y));
Op("upsample", [[2, 3, 5, 7]], [2, 3, 10, 14], (x, y) => cpu.UpsampleNearest2x(x[0], y));
Op("timestep", [[5]], [5, 257], (x, y) => cpu.TimestepEmbedding(x[0], y), scale: 999f);
Op("absmax_columns", [[33, 300]], [300], (x, y) => cpu.AbsMaxPerColumn(x[0], y));
Op("random_normal", [], [1001], (_, y) => cpu.RandomNormal(y, 7, 3, 1f, 2f));
Op("silu", [[4099]], [4099], (x, y) => cpu.Silu(x[0], y));
Op("add", [[5, 7, 96], [96]], [5, 7, 96], (x, y) => cpu.Add(x[0], x[1], y));
Op("multiply", [[5, 7, 96], [7, 96]], [5, 7, 96], (x, y) => cpu.Multiply(x[0], x[1], y));
Op("gated_residual", [[2, 17, 96], [2, 96], [2, 17, 96]], [2, 17, 96], (x, y) => cpu.GatedResidual(x[0], x[1], x[2], y));
Op("guidance", [[4, 8, 5, 5]], [2, 8, 5, 5], (x, y) => cpu.ClassifierFreeGuidance(x[0], 3, 4f, y));
Op("absmax_rows", [[33, 300]], [33], (x, y) => cpu.AbsMaxPerRow(x[0], y));
Op("split_heads", [[2, 17, 72]], [3, 2, 3, 17, 8], (x, y) =>
{
    using Tensor q = Tensor.Empty(2, 3, 17, 8), k = Tensor.Empty(2, 3, 17, 8), v = Tensor.Empty(2, 3, 17, 8);
    cpu.SplitHeads(x[0], q, k, v);
    float[] all = [.. q.AsSpan<float>(), .. k.AsSpan<float>(), .. v.AsSpan<float>()];
    all.CopyTo(y.AsSpan<float>());
});
Op("matmul", [[37, 70], [70, 53], [53]], [37, 53], (x, y) => cpu.MatMul(x[0], x[1], y, bias: x[2], alpha: 0.5f));
Op("matmul_transposed", [[70, 37], [53, 70]], [37, 53], (x, y) => cpu.MatMul(x[0], x[1], y, transposeA: true, transposeB: true));
Op("linear", [[2, 33, 72], [96, 72], [96]], [2, 33, 96], (x, y) => cpu.Linear(x[0], x[1], x[2], y));
Op("batched_matmul", [[2, 3, 17, 24], [2, 3, 19, 24]], [2, 3, 17, 19], (x, y) => cpu.BatchedMatMul(x[0], x[1], y, transposeB: true, alpha: 0.2f));
Op("conv2d", [[2, 5, 9, 7], [6, 5, 3, 3], [6]], [2, 6, 9, 7], (x, y) => cpu.Conv2d(x[0], x[1], x[2], y));

// Activation fake-quantization, int8 per token: input, per-group min/max, the host grids, the CPU output.
{
    const int rows = 37, cols = 1152;
    var x = Values(rows * cols, 12);
    var expected = (float[])x.Clone();
    QRecipe.Runtime.Quantization.ActivationQuantizer.FakeQuantize(expected, rows, cols,
        new ActivationQuant(8, Granularity.PerToken, 0, Symmetric: false, Static: false), null, "emulate");
    Write("fake_quant", w =>
    {
        Array<float>(w, x);
        var minmax = new float[2 * rows];
        var grids = new float[4 * rows];
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (var v in row)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            (minmax[2 * r], minmax[2 * r + 1]) = (min, max);
            var grid = QRecipe.Runtime.Quantization.UniformGrid.QDit(min, max, 8, false);
            (grids[4 * r], grids[4 * r + 1], grids[4 * r + 2], grids[4 * r + 3]) = (grid.Scale, grid.Zero, grid.Lo, grid.Hi);
        }
        Array<float>(w, minmax);
        Array<float>(w, grids);
        Array<float>(w, expected);
    });
}

// Noise surrogate, bipolar per row: the plain product (c = 0), per-row abs-max scales, the CPU result.
{
    const int rows = 33, columns = 40, d = 72, stream = 64;
    var a = Values(rows * d, 13);
    var b = Values(columns * d, 14);
    var plain = ScNoiseSurrogate.Multiply(a, rows, b, columns, d, stream, new NoiseModel(0, 0), perRow: true, ScMode.Bipolar, seed: 5);
    var noisy = ScNoiseSurrogate.Multiply(a, rows, b, columns, d, stream, new NoiseModel(0.15, 0.6), perRow: true, ScMode.Bipolar, seed: 5);
    float[] AbsMax(float[] x, int r)
    {
        var result = new float[r];
        for (var i = 0; i < x.Length; i++)
            result[i / d] = Math.Max(result[i / d], Math.Abs(x[i]));
        return result;
    }
    Write("noise", w =>
    {
        Array<float>(w, plain);
        Array<float>(w, AbsMax(a, rows));
        Array<float>(w, AbsMax(b, columns));
        Array<float>(w, noisy);
    });
}

// Per-row stream lengths: levels 256, 128, 64 and pruned rows; each level's K and b sequence, the merged CPU result.
{
    var g = new ScOptions().Resolve();
    var qa = ScQuantizer.BipolarGrouped(Values(n * dims, 10), n, dims, 1, g);
    var qb = ScQuantizer.BipolarGrouped(Values(m * dims, 11), m, dims, 1, g);
    int[] streams = [256, 128, 64];
    var rowLevel = new int[n];
    for (var i = 0; i < n; i++)
        rowLevel[i] = i % 4 == 3 ? -1 : i % 4;
    var merged = new int[n * m];
    Write("sc_mixed", w =>
    {
        w.Write(streams.Length);
        Array<ushort>(w, qa.Boundary);
        Array<sbyte>(w, qa.Sign);
        Array<ushort>(w, qb.Boundary);
        Array<sbyte>(w, qb.Sign);
        Array<int>(w, rowLevel);
        for (var level = 0; level < streams.Length; level++)
        {
            var lg = new ScOptions { Stream = streams[level] }.Resolve();
            var sequences = ScSequences.Prepare(lg, dims);
            var tables = new EnableTables(sequences, lg.G);
            var full = EnableKernel.Accumulate(qa, qb, tables, signed: true);
            for (var i = 0; i < n; i++)
            {
                if (rowLevel[i] == level)
                    System.Array.Copy(full, i * m, merged, i * m, m);
            }
            w.Write(lg.L);
            Array<ushort>(w, tables.K);
            Array<ushort>(w, sequences.B);
        }
        Array<int>(w, merged);
    });
}
// Row and weight-group ("combined") lengths: rows at 256/128/64/pruned, seven groups of 3 rows of b at 128, pruned,
// 256, 64, 128, 256, 64. The launch plan is CudaScProduct's own (CombinedLengths.Plan); the expected accumulators are
// each output's single-length product at min(row, group length), and decoded they must equal ScMixedPrecision.
{
    var options = new ScOptions();
    var g = options.Resolve();
    var a = Values(n * dims, 10);
    var b = Values(m * dims, 11);
    var qa = ScQuantizer.BipolarGrouped(a, n, dims, 1, g);
    var qb = ScQuantizer.BipolarGrouped(b, m, dims, 1, g);
    int[] streams = [256, 128, 64];
    int[] groupStreams = [128, 0, 256, 64, 128, 256, 64];
    const int groupSize = 3;
    var rowStreams = new int[n];
    var rowLevel = new int[n];
    for (var i = 0; i < n; i++)
        (rowLevel[i], rowStreams[i]) = i % 4 == 3 ? (-1, 0) : (i % 4, streams[i % 4]);
    var columnLevel = new int[m];
    for (var j = 0; j < m; j++)
        columnLevel[j] = System.Array.IndexOf(streams, groupStreams[j / groupSize]);
    var levels = new EnableTables[streams.Length];
    var full = new int[streams.Length][];
    for (var level = 0; level < streams.Length; level++)
    {
        var sequences = ScSequences.Prepare((options with { Stream = streams[level] }).Resolve(), dims);
        levels[level] = new EnableTables(sequences, g.G);
        full[level] = EnableKernel.Accumulate(qa, qb, levels[level], signed: true);
    }
    var expected = new int[n * m];
    var decoded = new float[n * m];
    for (var i = 0; i < n; i++)
    {
        for (var j = 0; j < m; j++)
        {
            if (rowLevel[i] < 0 || columnLevel[j] < 0)
                continue;
            var level = streams[rowLevel[i]] <= streams[columnLevel[j]] ? rowLevel[i] : columnLevel[j];
            expected[i * m + j] = full[level][i * m + j];
            decoded[i * m + j] = (float)expected[i * m + j] * levels[level].Sequences.Geometry.DecodeFactor * ((float)qa.Scale[i] * (float)qb.Scale[j]);
        }
    }
    var engine = ScMixedPrecision.Multiply(a, n, b, m, dims, options, rowStreams, groupStreams, groupSize).Output;
    var differing = Enumerable.Range(0, n * m).Count(e => engine[e] != decoded[e]);
    if (differing > 0)
        throw new InvalidOperationException($"sc_combined: {differing} of {n * m} decoded reference outputs differ from ScMixedPrecision");
    var plan = QRecipe.Runtime.Cuda.Sc.CombinedLengths.Plan(streams, rowLevel, columnLevel);
    Write("sc_combined", w =>
    {
        Array<ushort>(w, qa.Boundary);
        Array<sbyte>(w, qa.Sign);
        Array<ushort>(w, qb.Boundary);
        Array<sbyte>(w, qb.Sign);
        w.Write(streams.Length);
        foreach (var tables in levels)
        {
            var masks = tables.Sequences.Masks;
            w.Write(tables.Sequences.Length);
            Array<ushort>(w, tables.K);
            Array<ushort>(w, tables.Sequences.B);
            w.Write(System.Array.TrueForAll(masks, mask => mask == masks[0]) ? 1 : 0);
            Array<ushort>(w, tables.Slices(0, 1)[0]);
            w.Write(tables.RowWidth);
        }
        w.Write(plan.Count);
        foreach (var group in plan)
        {
            Array<int>(w, group.Columns);
            Array<int>(w, group.RowLevel);
        }
        Array<int>(w, expected);
    });
}
Console.WriteLine($"wrote the SC, operation, fake-quantization, noise, mixed-precision and combined-length cases to {folder}");
