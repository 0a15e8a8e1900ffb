using System;
using System.Linq;
using QRecipe.Language;
using QRecipe.Plan;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Devices;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.Execution.Smoothing;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Execution;

/// <summary>PlanOperators on SC cells equals the SC engine called directly on the same operands, bit for bit, with
/// the stream lengths worked out by hand from operands whose row metrics are known by construction.</summary>
public sealed class ScDispatchTests
{
    private const ulong Seed = 21;

    /// <summary>A one-block custom DiT (hidden 32, 2 heads of 16, 16 tokens) bound to a plan.</summary>
    private sealed class Fixture : IDisposable
    {
        public Fixture(string body)
        {
            var text = $"recipe T\nmodel custom {{ depth 1 hidden 32 heads 2 patch 2 latent 8 classes 10 }}\nsampler ddim steps 2 cfg 1.5\n{body}\n";
            var compilation = RecipeCompiler.Compile(text);
            Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
            Plan = compilation.Plan!;
            Weights = DitWeights.Synthetic(Plan.Model, CpuBackend.Instance, 5);
            Quantized = QuantizedWeights.Build(Plan, Weights, Smoothed, null);
            Operators = new PlanOperators(Plan, Quantized, Smoothed, null, ComputeDevices.Cpu, Seed);
        }

        public RecipePlan Plan { get; }

        public DitWeights Weights { get; }

        public SmoothedWeights Smoothed { get; } = SmoothedWeights.None();

        public QuantizedWeights Quantized { get; }

        public PlanOperators Operators { get; }

        public LinearWeights Fc1 => Weights.Blocks[0].Fc1;

        /// <summary>fc1's weights as the cell at step 0 multiplies them.</summary>
        public float[] Fc1Weights => Quantized.For(Fc1, Plan.Get(new Step(0), new Block(0), Operator.Fc1).Weights).AsSpan<float>().ToArray();

        /// <summary>fc1 on the input, [rows, 128].</summary>
        public float[] RunFc1(float[] input, int rows)
        {
            using var x = Tensor.From(input, rows, 32);
            using var output = Tensor.Empty(rows, 128);
            Operators.Linear(new LayerSite(0, Operator.Fc1, Fc1.Name), x, Fc1, output);
            return output.AsSpan<float>().ToArray();
        }

        public void Dispose()
        {
            Operators.Dispose();
            Quantized.Dispose();
            Smoothed.Dispose();
            Weights.Dispose();
        }
    }

    /// <summary>8 rows of 32 with small values and one entry (r + 1)·10 in row r, so row r ranks 8 − r by max |x|.</summary>
    private static float[] RankedRows()
    {
        var x = Enumerable.Range(0, 8 * 32).Select(i => (float)Math.Sin(0.7 * i + 1)).ToArray();
        for (var r = 0; r < 8; r++)
            x[r * 32 + (5 * r) % 32] = (r + 1) * 10;
        return x;
    }

    private static float[] WithBias(float[] product, LinearWeights layer)
    {
        var bias = layer.Bias.AsSpan<float>().ToArray();
        return product.Select((v, i) => v + bias[i % bias.Length]).ToArray();
    }

    private static ScOperatorCompute Compute(PlanOperators operators, Operator op) => operators.ScCompute.Operators.Single(o => o.Operator == op);

    [Fact]
    public void Mixed_precision_linear_equals_the_engine_with_rows_ranked_by_max_abs()
    {
        using var f = new Fixture("weights int8 per-channel\nactivations int8 on all\nsc precision 8 {\n  fc1 stream 256\n  mp fc1 levels 256 64 0 fractions 0.5 0.25 0.25\n}");
        var x = RankedRows();
        var actual = f.RunFc1(x, 8);
        // round(0.5·8) = 4 largest rows (7..4) at 256, round(0.25·8) = 2 (3, 2) at 64, the rest (1, 0) pruned.
        int[] rows = [0, 0, 64, 64, 256, 256, 256, 256];
        var expected = ScMixedPrecision.Multiply(x, 8, f.Fc1Weights, 128, 32, new ScOptions { Precision = 8, Stream = 256 }, rows).Output;
        Assert.Equal(WithBias(expected, f.Fc1), actual);
        Assert.Equal(f.Fc1.Bias.AsSpan<float>().ToArray(), actual.AsSpan(0, 128).ToArray()); // a pruned row is its bias

        var compute = Compute(f.Operators, Operator.Fc1);
        Assert.Equal(1, compute.Calls);
        Assert.Equal((4 * 256 + 2 * 64) * 128L * 32, compute.StreamMacs);
        Assert.Equal(8 * 128L * 32 * 256, compute.FullLengthStreamMacs);
    }

    [Fact]
    public void Group_lengths_cap_the_mixed_precision_levels()
    {
        using var f = new Fixture("weights int8 per-channel\nactivations int8 on all\nsc precision 8 {\n  fc1 stream 128\n  fc1 groups 2..3 of 4 stream 32\n"
            + "  mp fc1 levels 256 64 fractions 0.5 0.5\n}");
        var x = RankedRows();
        var actual = f.RunFc1(x, 8);
        // Levels are capped by the cell's stream (256 -> 128); groups of 32 output rows: 128, 128, 32, 32.
        int[] rows = [64, 64, 64, 64, 128, 128, 128, 128];
        var expected = ScMixedPrecision.Multiply(x, 8, f.Fc1Weights, 128, 32, new ScOptions { Precision = 8, Stream = 128 }, rows, [128, 128, 32, 32], 32)
            .Output;
        Assert.Equal(WithBias(expected, f.Fc1), actual);

        // Outputs 0..63: 4 rows at 128 and 4 at 64; outputs 64..127: every row at min(row, 32) = 32.
        Assert.Equal((64L * (4 * 128 + 4 * 64) + 64L * 8 * 32) * 32, Compute(f.Operators, Operator.Fc1).StreamMacs);
    }

    [Fact]
    public void Mixed_precision_qk_ranks_heads_by_max_abs_q_and_caps_them_by_their_head_length()
    {
        using var f = new Fixture("activations int8 on all\nsc precision 8 {\n  qk stream 128\n  qk heads 1 stream 64\n  mp qk levels 256 32 fractions 0.5 0.5\n}");
        // Two samples x two heads = 4 slices of 16 tokens x 16; slice s has max |q| 5, 9, 7, 3.
        var q = Enumerable.Range(0, 4 * 256).Select(i => (float)Math.Cos(0.3 * i)).ToArray();
        float[] peaks = [5, 9, 7, 3];
        for (var s = 0; s < 4; s++)
            q[s * 256 + 17 * s] = peaks[s];
        var k = Enumerable.Range(0, 4 * 256).Select(i => (float)Math.Sin(0.11 * i + 2)).ToArray();
        using var qt = Tensor.From(q, 2, 2, 16, 16);
        using var kt = Tensor.From(k, 2, 2, 16, 16);
        using var scores = Tensor.Empty(2, 2, 16, 16);
        f.Operators.AttentionScores(new LayerSite(0, Operator.Qk, "blocks.0.attn.qkv.qk"), qt, kt, 0.25f, scores);

        // Slices 1 and 2 rank first (level 256), 0 and 3 get 32; caps: head 0 128, head 1 64.
        int[] streams = [32, 64, 128, 32];
        var expected = ScMixedPrecision.MultiplyPerHead(q, k, 4, 16, 16, 16, new ScOptions { Precision = 8 }, streams).Output;
        Assert.Equal(expected.Select(v => v * 0.25f).ToArray(), scores.AsSpan<float>().ToArray());
        Assert.Equal(16L * 16 * 16 * (32 + 64 + 128 + 32), Compute(f.Operators, Operator.Qk).StreamMacs);
        Assert.Equal(4L * 16 * 16 * 16 * 256, Compute(f.Operators, Operator.Qk).FullLengthStreamMacs);
    }

    [Fact]
    public void Mixed_precision_av_ranks_attention_rows_by_their_largest_probability()
    {
        using var f = new Fixture("activations int8 on all\nsc precision 8 {\n  av stream 128\n  mp av levels 128 16 fractions 0.25 0.75\n}");
        // One sample x two heads: 32 attention rows; row r peaks at 0.5 + r/100, so rows 24..31 (slice 1, rows 8..15) rank first.
        var p = Enumerable.Range(0, 2 * 256).Select(i => (float)(0.2 + 0.15 * Math.Sin(i))).ToArray();
        for (var r = 0; r < 32; r++)
            p[r * 16 + r % 16] = 0.5f + r / 100f;
        var v = Enumerable.Range(0, 2 * 256).Select(i => (float)Math.Cos(0.37 * i)).ToArray();
        using var pt = Tensor.From(p, 1, 2, 16, 16);
        using var vt = Tensor.From(v, 1, 2, 16, 16);
        using var output = Tensor.Empty(1, 2, 16, 16);
        f.Operators.AttentionValues(new LayerSite(0, Operator.Av, "blocks.0.attn.qkv.av"), pt, vt, output);

        var options = new ScOptions { Precision = 8, Stream = 128 };
        var expected = new float[512];
        for (var s = 0; s < 2; s++)
        {
            var transposed = new float[256];
            for (var t = 0; t < 16; t++)
            {
                for (var c = 0; c < 16; c++)
                    transposed[c * 16 + t] = v[s * 256 + t * 16 + c];
            }
            var rows = Enumerable.Range(0, 16).Select(r => s == 1 && r >= 8 ? 128 : 16).ToArray();
            ScMixedPrecision.Multiply(p.AsSpan(s * 256, 256), 16, transposed, 16, 16, options, rows).Output.CopyTo(expected, s * 256);
        }
        Assert.Equal(expected, output.AsSpan<float>().ToArray());
        Assert.Equal(16L * 16 * (24 * 16 + 8 * 128), Compute(f.Operators, Operator.Av).StreamMacs);
    }

    [Fact]
    public void Surrogate_draws_its_noise_from_the_documented_stream_of_the_step_block_and_operator()
    {
        using var f = new Fixture("weights int8 per-channel\nactivations int8 on all\nsc precision 8 noise local 0.2 {\n  fc1 stream 64\n}");
        f.Operators.Step = 1;
        var x = RankedRows();
        var actual = f.RunFc1(x, 8);
        var quantized = (float[])x.Clone();
        ActivationQuantizer.FakeQuantize(quantized, 8, 32, f.Plan.Get(new Step(1), new Block(0), Operator.Fc1).Activations, null, "fc1");
        var stream = (1UL << 63) | ((ulong)(f.Plan.SlotsPerStep + f.Plan.Slot(0, Operator.Fc1)) << 24);
        var expected = ScNoiseSurrogate.Multiply(quantized, 8, f.Fc1Weights, 128, 32, 64, new NoiseModel(0.2, NoiseModel.DefaultGlobal), perRow: true,
            ScMode.Bipolar, Seed, stream);
        Assert.Equal(WithBias(expected, f.Fc1), actual);
        Assert.Equal(8L * 128 * 32 * 64, Compute(f.Operators, Operator.Fc1).StreamMacs);
    }

    [Fact]
    public void Surrogate_under_mixed_lengths_runs_one_call_per_row_and_group_length()
    {
        using var f = new Fixture("weights int8 per-channel\nactivations int8 on all\nsc precision 8 noise {\n  fc1 stream 64\n  fc1 groups 1 of 2 stream 16\n"
            + "  mp fc1 levels 64 32 fractions 0.5 0.5\n}");
        var x = RankedRows();
        var actual = f.RunFc1(x, 8);
        var quantized = (float[])x.Clone();
        ActivationQuantizer.FakeQuantize(quantized, 8, 32, f.Plan.Get(new Step(0), new Block(0), Operator.Fc1).Activations, null, "fc1");
        var w = f.Fc1Weights;
        var stream = (1UL << 63) | ((ulong)f.Plan.Slot(0, Operator.Fc1) << 24);
        var noise = new NoiseModel(NoiseModel.DefaultLocal, NoiseModel.DefaultGlobal);
        // Rows 0..3 rank last (32), rows 4..7 first (64); output groups 0..63 at 64, 64..127 at 16. Sub-calls in order
        // of first appearance: (32, 64), (32, 16), (64, 64), (64, 16) on streams base + 0..3.
        var expected = new float[8 * 128];
        var k = 0UL;
        foreach (var (firstRow, rowLength) in new[] { (0, 32), (4, 64) })
        {
            foreach (var (firstOutput, groupLength) in new[] { (0, 64), (64, 16) })
            {
                var part = ScNoiseSurrogate.Multiply(quantized.AsSpan(firstRow * 32, 4 * 32), 4, w.AsSpan(firstOutput * 32, 64 * 32), 64, 32,
                    Math.Min(rowLength, groupLength), noise, perRow: true, ScMode.Bipolar, Seed, stream + k++);
                for (var r = 0; r < 4; r++)
                    part.AsSpan(r * 64, 64).CopyTo(expected.AsSpan((firstRow + r) * 128 + firstOutput, 64));
            }
        }
        Assert.Equal(WithBias(expected, f.Fc1), actual);
    }

    [Fact]
    public void Surrogate_without_correction_is_the_plain_quantized_product()
    {
        const string quantizers = "weights int8 per-channel\nactivations int8 on all\n";
        using var surrogate = new Fixture(quantizers + "sc precision 8 noise local 0 global 0 {\n  fc1 stream 64\n}");
        using var plain = new Fixture(quantizers);
        var x = RankedRows();
        Assert.Equal(plain.RunFc1(x, 8), surrogate.RunFc1(x, 8));
    }

    [Fact]
    public void Debug_cells_pass_the_float_product_on_and_record_the_sc_error()
    {
        using var debug = new Fixture("weights int8 per-channel\nsc precision 8 debug {\n  fc1 stream 32\n}");
        using var plain = new Fixture("weights int8 per-channel");
        var x = RankedRows();
        Assert.Equal(plain.RunFc1(x, 8), debug.RunFc1(x, 8));

        var record = Assert.Single(debug.Operators.ScDebug);
        Assert.Equal((0, 0, Operator.Fc1, 8L * 128), (record.Step, record.Block, record.Operator, record.Elements));
        // The same numbers from the engine's product and the float product, in double.
        var sc = ScMatmul.Multiply(x, 8, debug.Fc1Weights, 128, 32, new ScOptions { Precision = 8, Stream = 32 });
        var fp = new double[8 * 128];
        for (var r = 0; r < 8; r++)
        {
            for (var o = 0; o < 128; o++)
            {
                for (var c = 0; c < 32; c++)
                    fp[r * 128 + o] += (double)x[r * 32 + c] * debug.Fc1Weights[o * 32 + c];
            }
        }
        var squared = fp.Select((e, i) => (sc[i] - e) * (sc[i] - e)).Sum();
        Assert.Equal(Math.Sqrt(squared / fp.Sum(e => e * e)), record.RelativeL2, 5);
        Assert.Equal(squared / fp.Length, record.Mse, 1e-6 * record.Mse);
        Assert.Equal(fp.Select((e, i) => Math.Abs(sc[i] - e)).Max(), record.MaxAbsError, 1e-4 * record.MaxAbsError);
        var dot = fp.Select((e, i) => e * sc[i]).Sum();
        Assert.Equal(dot / Math.Sqrt(fp.Sum(e => e * e) * sc.Sum(g => (double)g * g)), record.Cosine, 6);
    }
}
