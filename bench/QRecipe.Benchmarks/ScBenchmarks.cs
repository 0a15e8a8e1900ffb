using System;
using BenchmarkDotNet.Attributes;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Oracle;
using QRecipe.Runtime.Sc.Sequences;
using QRecipe.Runtime.Sc.Surrogate;

namespace QRecipe.Benchmarks;

/// <summary>
/// Exact SC matmul against our FP32 SGEMM on DiT-XL/2 shapes (issue 7): a linear layer 256×1152 by 4608×1152 and
/// attention QKᵀ, 16 heads of 256×72 by 256×72; p = 8, L = 256 and 64. Plus the cycle-by-cycle oracle on 16×16×64.
/// The noise surrogate on the linear shape. Every SC figure is a whole call: quantization of the operands, tables, kernel and decode. The
/// FP32 peers and the "Into" calls write into buffers allocated once, as the DiT forward does; the calls that return a new array pay its
/// allocation (a fresh 4.7 MB array costs about 5 ms on this machine). The prepared variants quantize the weight once, as the runner does.
/// </summary>
[MemoryDiagnoser]
public class ScBenchmarks
{
    private const int Tokens = 256;
    private const int Hidden = 1152;
    private const int Mlp = 4608;
    private const int Heads = 16;
    private const int HeadDim = 72;

    private float[] x = [];
    private float[] w = [];
    private float[] q = [];
    private float[] k = [];
    private ScCodes oracleA = null!;
    private ScCodes oracleB = null!;
    private ScSequences oracleSequences = null!;
    private float[] linearOutput = [];
    private float[] attentionOutput = [];
    private float[] scOutput = [];
    private ScPreparedOperand preparedWeight = null!;

    [GlobalSetup]
    public void Setup()
    {
        x = Normal(Tokens * Hidden, 1);
        w = Normal(Mlp * Hidden, 2);
        q = Normal(Heads * Tokens * HeadDim, 3);
        k = Normal(Heads * Tokens * HeadDim, 4);
        var g = new ScOptions().Resolve();
        oracleA = ScQuantizer.BipolarGrouped(x.AsSpan(0, 16 * 64), 16, 64, 1, g);
        oracleB = ScQuantizer.BipolarGrouped(w.AsSpan(0, 16 * 64), 16, 64, 1, g);
        oracleSequences = ScSequences.Prepare(g, 64);
        linearOutput = new float[Tokens * Mlp];
        attentionOutput = new float[Heads * Tokens * Tokens];
        scOutput = new float[Math.Max(Tokens * Mlp, Heads * Tokens * Tokens)];
        preparedWeight = ScPreparedOperand.Prepare(w, Mlp, Hidden, new ScOptions());
    }

    [Benchmark(Baseline = true)]
    public float[] LinearFp32() => Fp32(x, 0, Tokens, w, 0, Mlp, Hidden, linearOutput, 0);

    /// <summary>The whole call on raw operands: the weight is quantized and indexed in every call.</summary>
    [Benchmark]
    [Arguments(256)]
    [Arguments(64)]
    public float[] LinearSc(int stream) => ScMatmul.Multiply(x, Tokens, w, Mlp, Hidden, new ScOptions { Stream = stream });

    /// <summary>As the runner calls it: the weight prepared once (one preparation serves both lengths).</summary>
    [Benchmark]
    [Arguments(256)]
    [Arguments(64)]
    public float[] LinearScPrepared(int stream)
    {
        ScMatmul.MultiplyInto(x, Tokens, preparedWeight, new ScOptions { Stream = stream }, scOutput.AsSpan(0, Tokens * Mlp));
        return scOutput;
    }

    /// <summary>Preparing the weight, once per layer and quantization.</summary>
    [Benchmark]
    public ScPreparedOperand PrepareWeight() => ScPreparedOperand.Prepare(w, Mlp, Hidden, new ScOptions());

    /// <summary>The noise surrogate at L = 256, per-row scales: SGEMM plus seeded Gaussian noise.</summary>
    [Benchmark]
    public float[] LinearSurrogate() => ScNoiseSurrogate.Multiply(x, Tokens, w, Mlp, Hidden, 256,
        new QRecipe.Plan.NoiseModel(0.15, 0.6), perRow: true, QRecipe.Plan.ScMode.Bipolar, seed: 1);

    private float[]? weightScales;

    /// <summary>The surrogate with the weight's row scales prepared once, into a reused buffer.</summary>
    [Benchmark]
    public float[] LinearSurrogatePrepared()
    {
        ScNoiseSurrogate.MultiplyInto(x, Tokens, w, weightScales ??= ScNoiseSurrogate.RowScales(w, Mlp, Hidden), Mlp, Hidden, 256,
            new QRecipe.Plan.NoiseModel(0.15, 0.6), perRow: true, QRecipe.Plan.ScMode.Bipolar, seed: 1, scOutput.AsSpan(0, Tokens * Mlp));
        return scOutput;
    }

    [Benchmark]
    public float[] AttentionFp32()
    {
        for (var h = 0; h < Heads; h++)
            Fp32(q, h * Tokens * HeadDim, Tokens, k, h * Tokens * HeadDim, Tokens, HeadDim, attentionOutput, h * Tokens * Tokens);
        return attentionOutput;
    }

    [Benchmark]
    [Arguments(256)]
    [Arguments(64)]
    public float[] AttentionSc(int stream)
    {
        ScMatmul.MultiplyBatchedInto(q, k, Heads, Tokens, Tokens, HeadDim, new ScOptions { Stream = stream, Granularity = ScGranularity.PerHead },
            scOutput.AsSpan(0, Heads * Tokens * Tokens));
        return scOutput;
    }

    /// <summary>The oracle on 16×16 outputs of d = 64 at L = 256: 4.2 M simulated cycles.</summary>
    [Benchmark]
    public int[] NaiveOracle16x16x64() => NaiveScSimulator.Enable(oracleA, oracleB, oracleSequences);

    /// <summary>c = a·bᵀ with the runtime's packed SGEMM (a n×d, b m×d row-major).</summary>
    private static unsafe float[] Fp32(float[] a, int aOffset, int n, float[] b, int bOffset, int m, int d, float[] c, int cOffset)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm.Multiply(new GemmProblem(n, m, d, 1f, MatrixView.RowMajor(pa + aOffset, d, false),
                MatrixView.RowMajor(pb + bOffset, d, true), pc + cOffset, m, null));
        }

        return c;
    }

    private static float[] Normal(int count, ulong seed)
    {
        var values = new float[count];
        PhiloxRandom.FillNormal(values, seed);
        return values;
    }
}
