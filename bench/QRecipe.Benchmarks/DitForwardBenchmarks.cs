using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>One DiT forward, batch 2 at 256 tokens: the float model against the W4A8 fake-quant recipe on the same
/// weights (issue 6's target: at most 1.15× the float forward). The ratio is the cost of activation fake-quant and
/// the plan's per-operator dispatch; the quantized weights are dequantized floats, so the GEMMs are the same.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 25)]
public class DitForwardBenchmarks
{
    private DitBenchModel model = null!;

    [Params("dit-s/2")]
    public string Model { get; set; } = "dit-s/2";

    [GlobalSetup]
    public void Setup() => model = new DitBenchModel(Model);

    [GlobalCleanup]
    public void Cleanup() => model.Dispose();

    [Benchmark(Baseline = true)]
    public Tensor Float() => model.FloatForward();

    [Benchmark]
    public Tensor W4A8() => model.W4A8Forward();
}
