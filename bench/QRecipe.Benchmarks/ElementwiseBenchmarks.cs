using BenchmarkDotNet.Attributes;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>The memory-bound DiT operations over DiT-XL/2 sized tensors (batch 2), with a copy of the same bytes as the
/// baseline. Run: dotnet run -c Release --project bench/QRecipe.Benchmarks -- --filter *Elementwise*</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private readonly CpuBackend backend = CpuBackend.Instance;
    private Tensor scores = null!;
    private Tensor scoresOut = null!;
    private Tensor tokens = null!;
    private Tensor tokensOut = null!;
    private Tensor hidden = null!;
    private Tensor hiddenOut = null!;

    [GlobalSetup]
    public void Setup()
    {
        scores = Tensor.Empty(32, 256, 256);
        scoresOut = Tensor.Empty(32, 256, 256);
        tokens = Tensor.Empty(2, 256, 1152);
        tokensOut = Tensor.Empty(2, 256, 1152);
        hidden = Tensor.Empty(2, 256, 4608);
        hiddenOut = Tensor.Empty(2, 256, 4608);
        foreach (var t in new[] { scores, tokens, hidden })
            backend.RandomNormal(t, seed: 2, std: 3f);
    }

    [Benchmark(Description = "softmax [32,256,256]")]
    public void Softmax() => backend.Softmax(scores, scoresOut);

    [Benchmark(Description = "copy [32,256,256]")]
    public void CopyScores() => backend.Copy(scores, scoresOut);

    [Benchmark(Description = "LayerNorm [2,256,1152]")]
    public void LayerNorm() => backend.LayerNorm(tokens, tokensOut);

    [Benchmark(Description = "copy [2,256,1152]")]
    public void CopyTokens() => backend.Copy(tokens, tokensOut);

    [Benchmark(Description = "GELU [2,256,4608]")]
    public void Gelu() => backend.Gelu(hidden, hiddenOut);

    [Benchmark(Description = "copy [2,256,4608]")]
    public void CopyHidden() => backend.Copy(hidden, hiddenOut);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { scores, scoresOut, tokens, tokensOut, hidden, hiddenOut })
            t.Dispose();
    }
}
