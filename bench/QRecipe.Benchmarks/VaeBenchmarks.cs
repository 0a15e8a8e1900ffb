using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Vae;

namespace QRecipe.Benchmarks;

/// <summary>The SD-VAE decoder (sd-vae-ft-ema/-mse architecture, seeded synthetic weights) on one 4×32×32 latent, i.e.
/// one 256×256 image: ~0.62 TFLOP, almost all in 3×3 convolutions. A decode takes seconds, so three measured
/// iterations of one decode each. Run: dotnet run -c Release --project bench/QRecipe.Benchmarks -- --filter *Vae*</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class VaeBenchmarks
{
    private readonly CpuBackend backend = CpuBackend.Instance;
    private VaeWeights weights = null!;
    private VaeDecoder decoder = null!;
    private Tensor latents = null!;
    private Tensor images = null!;

    [GlobalSetup]
    public void Setup()
    {
        weights = VaeWeights.Synthetic(VaeConfig.SdVae, backend, seed: 0);
        decoder = new VaeDecoder(weights, backend);
        latents = Tensor.Empty(1, 4, 32, 32);
        backend.RandomNormal(latents, seed: 1, std: 0.8f);
        images = Tensor.Empty(1, 3, 256, 256);
    }

    [Benchmark(Description = "SD-VAE decode 4x32x32 -> 256x256")]
    public void Decode() => decoder.Decode(latents, images);

    [GlobalCleanup]
    public void Cleanup()
    {
        decoder.Dispose();
        weights.Dispose();
        latents.Dispose();
        images.Dispose();
    }
}
