using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Cuda.Quantization;
using QRecipe.Runtime.Cuda.Sc;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Kernels;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.SelfTest;

/// <summary>The SC kernels against the CPU engine: integer accumulators must be identical (docs/sc-engine.md), the
/// activation fake-quantization identical, the noise surrogate within FP32 GEMM rounding.</summary>
internal static class ScCases
{
    public static IEnumerable<SelfTestCase> All()
    {
        yield return Enable("sc enable p8 L256 (shared-memory table)", new ScOptions());
        yield return Enable("sc enable p8 L256 (popcount)", new ScOptions(), allowTables: false);
        yield return Enable("sc enable p8 L128 bitrev", new ScOptions { Stream = 128 });
        yield return Enable("sc enable p8 L181 counter", new ScOptions { Stream = 181, Scramble = ScScramble.Counter });
        yield return Enable("sc enable p8 halve (G=L=128)", new ScOptions { Halve = true });
        yield return Enable("sc enable unipolar p6 L48", new ScOptions { Precision = 6, Stream = 48, Mode = ScMode.Unipolar });
        yield return Enable("sc enable p8 L96, tables for 200 dims (last chunk)", new ScOptions { Stream = 96 }, tableDims: 200);
        yield return Batched("sc enable p8 L256, 6 slices batched (table)", new ScOptions());
        yield return Batched("sc enable p8 L64, 6 slices batched (popcount)", new ScOptions { Stream = 64 });
        yield return new SelfTestCase("sc enable, weight kept on the device (2 calls)", KeptWeight);
        yield return new SelfTestCase("sc enable per-row stream lengths", Mixed);
        yield return new SelfTestCase("sc enable row and weight-group lengths", Combined);
        yield return Legacy("sc legacy xnor p8 L256", new ScOptions { Kernel = ScKernel.Xnor });
        yield return Legacy("sc legacy and p7 L100", new ScOptions { Precision = 7, Stream = 100, Mode = ScMode.Unipolar, Kernel = ScKernel.And });
        yield return new SelfTestCase("activation fake-quant (int8 per token)", FakeQuant);
        yield return new SelfTestCase("sc noise surrogate (per row)", Noise);
        yield return new SelfTestCase("sc noise surrogate (5 slices)", NoiseBatched);
    }

    /// <summary>Operands quantized as the per-row path does (70 rows of a, 45 of b, D = 150: tails in every tile).</summary>
    private static (ScCodes A, ScCodes B, ScSequences Sequences) Operands(ScOptions options, int n = 70, int m = 45, int d = 150)
    {
        var g = options.Resolve();
        var a = SelfTestCase.Values(n * d, 10);
        var b = SelfTestCase.Values(m * d, 11);
        var unipolar = options.Mode == ScMode.Unipolar;
        return (ScQuantizer.Grouped(a, n, d, 1, g, unipolar), ScQuantizer.Grouped(b, m, d, 1, g, unipolar),
            ScSequences.Prepare(g, d));
    }

    /// <summary>The enable product; tables for more dimensions than the operands' 150 are what a chunked call's narrower
    /// last chunk gets (the first chunk's).</summary>
    private static SelfTestCase Enable(string name, ScOptions options, bool allowTables = true, int tableDims = 150) => new(name, context =>
    {
        var (a, b, _) = Operands(options);
        var sequences = ScSequences.Prepare(options.Resolve(), tableDims);
        var tables = new EnableTables(sequences, sequences.Geometry.G);
        var expected = EnableKernel.Accumulate(a, b, tables, signed: options.Mode == ScMode.Bipolar);
        using var product = new CudaScProduct(context.Device, allowTables);
        return SelfTestCase.Exact(name, expected, product.Enable(a, b, tables));
    });

    /// <summary>Six independent slices (attention heads) of 37 × 72 by 29 × 72 in one batched product; each slice must
    /// equal its own product.</summary>
    private static SelfTestCase Batched(string name, ScOptions options) => new(name, context =>
    {
        var g = options.Resolve();
        var sequences = ScSequences.Prepare(g, 72);
        var tables = new EnableTables(sequences, g.G);
        var a = new ScCodes[6];
        var b = new ScCodes[6];
        var expected = new List<int>();
        for (var s = 0; s < 6; s++)
        {
            a[s] = ScQuantizer.Grouped(SelfTestCase.Values(37 * 72, 20 + (ulong)s), 37, 72, 1, g, unipolar: false);
            b[s] = ScQuantizer.Grouped(SelfTestCase.Values(29 * 72, 40 + (ulong)s), 29, 72, 1, g, unipolar: false);
            expected.AddRange(EnableKernel.Accumulate(a[s], b[s], tables, signed: true));
        }

        var actual = new List<int>();
        using var product = new CudaScProduct(context.Device);
        foreach (var slice in product.EnableSlices(a, b, tables))
            actual.AddRange(slice);
        return SelfTestCase.Exact(name, expected.ToArray(), actual.ToArray());
    });

    /// <summary>b uploaded once (as a run keeps a prepared weight) and multiplied by two different a's, with the
    /// enable tables cached on the device after the first call.</summary>
    private static SelfTestResult KeptWeight(SelfTestContext context)
    {
        const string name = "sc enable, weight kept on the device (2 calls)";
        var options = new ScOptions();
        var g = options.Resolve();
        var (a, b, sequences) = Operands(options);
        var second = ScQuantizer.Grouped(SelfTestCase.Values(a.Rows * a.Dims, 12), a.Rows, a.Dims, 1, g, unipolar: false);
        var tables = new EnableTables(sequences, g.G);
        int[] expected = [.. EnableKernel.Accumulate(a, b, tables, signed: true), .. EnableKernel.Accumulate(second, b, tables, signed: true)];
        using var product = new CudaScProduct(context.Device);
        using var weight = DeviceCodes.Upload(context.Device, [b]);
        int[] actual = [.. product.EnableSlices([a], weight, tables)[0], .. product.EnableSlices([second], weight, tables)[0]];
        return SelfTestCase.Exact(name, expected, actual);
    }

    /// <summary>Rows at L = 256, 128, 64 and pruned, interleaved; each row must equal the single-length product.</summary>
    private static SelfTestResult Mixed(SelfTestContext context)
    {
        const string name = "sc enable per-row stream lengths";
        int[] streams = [256, 128, 64];
        var (a, b, _) = Operands(new ScOptions());
        var levels = new List<EnableTables>();
        var expected = new int[a.Rows * b.Rows];
        var rowLevel = new int[a.Rows];
        for (var i = 0; i < a.Rows; i++)
            rowLevel[i] = i % 4 == 3 ? -1 : i % 4;
        for (var level = 0; level < streams.Length; level++)
        {
            var sequences = ScSequences.Prepare(new ScOptions { Stream = streams[level] }.Resolve(), a.Dims);
            levels.Add(new EnableTables(sequences, sequences.Geometry.G));
            var full = EnableKernel.Accumulate(a, b, levels[level], signed: true);
            for (var i = 0; i < a.Rows; i++)
            {
                if (rowLevel[i] == level)
                    System.Array.Copy(full, i * b.Rows, expected, i * b.Rows, b.Rows);
            }
        }

        using var product = new CudaScProduct(context.Device);
        return SelfTestCase.Exact(name, expected, product.Mixed(a, b, levels, rowLevel));
    }

    /// <summary>Rows at L = 256, 128, 64 and pruned; five weight groups of 9 rows of b at 128, pruned, 256, 64, 128. Output
    /// (i, j) must equal the single-length product at min(row length, group length).</summary>
    private static SelfTestResult Combined(SelfTestContext context)
    {
        const string name = "sc enable row and weight-group lengths";
        int[] streams = [256, 128, 64];
        int[] groupLevel = [1, -1, 0, 2, 1];
        var (a, b, _) = Operands(new ScOptions());
        int n = a.Rows, m = b.Rows;
        var rowLevel = new int[n];
        for (var i = 0; i < n; i++)
            rowLevel[i] = i % 4 == 3 ? -1 : i % 4;
        var columnLevel = new int[m];
        for (var j = 0; j < m; j++)
            columnLevel[j] = groupLevel[j / 9];
        var levels = new List<EnableTables>();
        var full = new List<int[]>();
        foreach (var stream in streams)
        {
            var sequences = ScSequences.Prepare(new ScOptions { Stream = stream }.Resolve(), a.Dims);
            levels.Add(new EnableTables(sequences, sequences.Geometry.G));
            full.Add(EnableKernel.Accumulate(a, b, levels[^1], signed: true));
        }

        var expected = new int[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                if (rowLevel[i] >= 0 && columnLevel[j] >= 0)
                    expected[i * m + j] = full[streams[rowLevel[i]] <= streams[columnLevel[j]] ? rowLevel[i] : columnLevel[j]][i * m + j];
            }
        }

        using var product = new CudaScProduct(context.Device);
        return SelfTestCase.Exact(name, expected, product.Combined(a, b, levels, rowLevel, columnLevel));
    }

    private static SelfTestCase Legacy(string name, ScOptions options) => new(name, context =>
    {
        var (a, b, sequences) = Operands(options);
        var expected = BitstreamKernel.Accumulate(a, b, sequences);
        using var product = new CudaScProduct(context.Device);
        return SelfTestCase.Exact(name, expected, product.Bitstream(a, b, sequences));
    });

    private static SelfTestResult FakeQuant(SelfTestContext context)
    {
        const string name = "activation fake-quant (int8 per token)";
        var setting = new ActivationQuant(8, Granularity.PerToken, 0, Symmetric: false, Static: false);
        var expected = SelfTestCase.Values(37 * 1152, 12);
        using var input = Tensor.From(expected, 37, 1152);
        using var actual = Tensor.Empty(37, 1152);
        ActivationQuantizer.FakeQuantize(expected, 37, 1152, setting, null, "selftest");
        new CudaActivationQuantizer(context.Device).FakeQuantize(input, actual, 37, 1152, setting, null, "selftest");
        return SelfTestCase.Compare(name, expected, actual.AsReadOnlySpan<float>(), 0);
    }

    private static SelfTestResult Noise(SelfTestContext context)
    {
        const string name = "sc noise surrogate (per row)";
        var a = SelfTestCase.Values(33 * 72, 13);
        var b = SelfTestCase.Values(40 * 72, 14);
        var noise = new NoiseModel(0.15, 0.6);
        var scales = ScNoiseSurrogate.RowScales(b, 40, 72);
        var expected = ScNoiseSurrogate.Multiply(a, 33, b, scales, 40, 72, 64, noise, perRow: true, ScMode.Bipolar, seed: 5, streamId: 3);
        using var weight = Tensor.From(b, 40, 72);
        var actual = new CudaNoiseSurrogate(context.Device, context.Blas).Multiply(a, 33, weight, scales, 40, 72, 64, noise, ScMode.Bipolar, 5, 3);
        return SelfTestCase.Compare(name, expected, actual, 1e-5);
    }

    /// <summary>Attention's form: 5 slices, one abs-max per slice, slice s from stream 7 + s.</summary>
    private static SelfTestResult NoiseBatched(SelfTestContext context)
    {
        const string name = "sc noise surrogate (5 slices)";
        var a = SelfTestCase.Values(5 * 9 * 72, 15);
        var b = SelfTestCase.Values(5 * 11 * 72, 16);
        var noise = new NoiseModel(0.15, 0.6);
        var expected = ScNoiseSurrogate.MultiplyBatched(a, b, 5, 9, 11, 72, 32, noise, ScMode.Bipolar, seed: 5, streamId: 7);
        var actual = new CudaNoiseSurrogate(context.Device, context.Blas).MultiplyBatched(a, b, 5, 9, 11, 72, 32, noise, ScMode.Bipolar, 5, 7);
        return SelfTestCase.Compare(name, expected, actual, 1e-5);
    }
}
