using System;
using BenchmarkDotNet.Attributes;
using QRecipe.Plan;
using QRecipe.Runtime.Quantization.Activations;
using QRecipe.Runtime.Quantization.SecondOrder;
using QRecipe.Runtime.Quantization.Weights;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Benchmarks;

/// <summary>Dynamic per-token int8 fake-quant (asymmetric, Q-DiT's default grid) of one DiT-XL/2 activation, 256 tokens ×
/// 1152 channels, in place after a copy, against the plain copy of the same 1.18 MB (the baseline; the ratio is the
/// cost of activation fake-quant relative to touching the data once).</summary>
public class QuantizationActivationBenchmarks
{
    private const int Tokens = 256;
    private const int Hidden = 1152;
    private static readonly ActivationQuant PerTokenInt8 = new(8, Granularity.PerToken, 0, false, false);

    private float[] source = [];
    private float[] target = [];

    [GlobalSetup]
    public void Setup()
    {
        source = new float[Tokens * Hidden];
        PhiloxRandom.FillNormal(source, 1);
        target = new float[source.Length];
    }

    [Benchmark(Baseline = true)]
    public float[] Copy()
    {
        source.AsSpan().CopyTo(target);
        return target;
    }

    [Benchmark]
    public float[] CopyAndFakeQuantPerTokenInt8()
    {
        source.AsSpan().CopyTo(target);
        ActivationQuantizer.FakeQuantize(target, Tokens, Hidden, PerTokenInt8, null, "bench");
        return target;
    }
}

/// <summary>GPTQ of one DiT-XL/2-shaped layer (docs/quantization.md: int4 asymmetric, group 128, damping 0.01, blocks
/// of 128) with 1152 inputs and 1152 (qkv/proj-sized) or 4608 (fc1) outputs, from a Hessian of 256 calibration rows;
/// and the Hessian accumulation itself.</summary>
[SimpleJob(BenchmarkDotNet.Engines.RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class QuantizationGptqBenchmarks
{
    private const int Inputs = 1152;
    private const int CalibrationRows = 256;
    private static readonly WeightQuant Int4Group128 = new(4, Granularity.Group, 128, false, WeightMethod.Gptq);

    private float[] weight = [];
    private float[] calibration = [];
    private GptqStatistics statistics = null!;

    [Params(1152, 4608)]
    public int Outputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        weight = new float[Outputs * Inputs];
        PhiloxRandom.FillNormal(weight, 2, std: 0.02f);
        calibration = new float[CalibrationRows * Inputs];
        PhiloxRandom.FillNormal(calibration, 3);
        statistics = Accumulate();
    }

    [Benchmark]
    public GptqStatistics Accumulate()
    {
        var stats = new GptqStatistics(Inputs);
        stats.Accumulate(calibration, CalibrationRows, 32, "bench");
        return stats;
    }

    [Benchmark]
    public QuantizedWeight Gptq() => WeightQuantizer.Quantize(weight, Outputs, Inputs, Int4Group128, statistics, "bench");
}
