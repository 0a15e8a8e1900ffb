using System;
using System.IO;
using System.Runtime.InteropServices;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Tensors;

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

// SC cases: header (n, m, dims, L, grid, p, qmax, kind 0 enable / 1 xnor / 2 and), codes, tables, CPU accumulators.
var cases = new (string Name, ScOptions Options)[]
{
    ("sc_p8_l256", new ScOptions()),
    ("sc_p8_l128_bitrev", new ScOptions { Stream = 128 }),
    ("sc_p8_l181_counter", new ScOptions { Stream = 181, Scramble = ScScramble.Counter }),
    ("sc_p8_halve", new ScOptions { Halve = true }),
    ("sc_unipolar_p6_l48", new ScOptions { Precision = 6, Stream = 48, Mode = ScMode.Unipolar }),
    ("sc_xnor_p8_l256", new ScOptions { Kernel = ScKernel.Xnor }),
    ("sc_and_p7_l100", new ScOptions { Precision = 7, Stream = 100, Mode = ScMode.Unipolar, Kernel = ScKernel.And }),
};
const int n = 37, m = 21, dims = 150;
foreach (var (name, options) in cases)
{
    var g = options.Resolve();
    var unipolar = options.Mode == ScMode.Unipolar;
    var a = Values(n * dims, 10);
    var b = Values(m * dims, 11);
    var qa = unipolar ? ScQuantizer.UnipolarGrouped(a, n, dims, 1, g) : ScQuantizer.BipolarGrouped(a, n, dims, 1, g);
    var qb = unipolar ? ScQuantizer.UnipolarGrouped(b, m, dims, 1, g) : ScQuantizer.BipolarGrouped(b, m, dims, 1, g);
    var sequences = ScSequences.Prepare(g, dims);
    var tables = new EnableTables(sequences, g.G);
    var kind = options.Kernel == ScKernel.Enable ? 0 : options.Kernel == ScKernel.Xnor ? 1 : 2;
    var acc = kind == 0
        ? EnableKernel.Accumulate(qa, qb, tables, signed: !unipolar)
        : BitstreamKernel.Accumulate(qa, qb, sequences, kind == 1, g.P, g.QMax);
    Write(name, w =>
    {
        foreach (var v in new[] { n, m, dims, g.L, g.G, g.P, g.QMax, kind })
            w.Write(v);
        foreach (var codes in new[] { qa, qb })
        {
            Array<ushort>(w, codes.Boundary);
            Array<sbyte>(w, codes.Sign);
            Array<short>(w, codes.Value);
        }
        Array<ushort>(w, tables.K);
        Array<ushort>(w, sequences.A);
        Array<ushort>(w, sequences.B);
        Array<int>(w, acc);
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
Console.WriteLine($"wrote {cases.Length} SC cases and 13 operation cases to {folder}");
