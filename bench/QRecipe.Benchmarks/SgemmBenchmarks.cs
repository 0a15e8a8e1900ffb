using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>SGEMM on the DiT shapes and 2048³ with every micro-kernel this CPU supports: a Linear layer (x·Wᵀ + b, the
/// DiT case) and a plain product. Run: dotnet run -c Release --project bench/QRecipe.Benchmarks -- --filter *Sgemm*</summary>
[MemoryDiagnoser]
public unsafe class SgemmBenchmarks
{
    private Tensor a = null!;
    private Tensor weight = null!;
    private Tensor b = null!;
    private Tensor bias = null!;
    private Tensor c = null!;

    public static IEnumerable<string> ShapeNames => SgemmPeerHarness.Shapes.Select(s => $"{s.M}x{s.K}x{s.N}");

    [ParamsSource(nameof(ShapeNames))]
    public string Shape { get; set; } = "";

    [ParamsSource(nameof(Kernels))]
    public SgemmKernelKind Kernel { get; set; }

    public static IEnumerable<SgemmKernelKind> Kernels => new[] { SgemmKernelKind.Avx512, SgemmKernelKind.Avx2, SgemmKernelKind.Vector }.Where(Sgemm.IsSupported);

    private int M => int.Parse(Shape.Split('x')[0]);

    private int K => int.Parse(Shape.Split('x')[1]);

    private int N => int.Parse(Shape.Split('x')[2]);

    [GlobalSetup]
    public void Setup()
    {
        a = Tensor.Empty(M, K);
        weight = Tensor.Empty(N, K);
        b = Tensor.Empty(K, N);
        bias = Tensor.Empty(N);
        c = Tensor.Empty(M, N);
        foreach (var t in new[] { a, weight, b, bias })
            CpuBackend.Instance.RandomNormal(t, seed: 1);
    }

    [Benchmark(Description = "x·Wᵀ + b")]
    public void Linear() => Sgemm.Multiply(new GemmProblem(M, N, K, 1f,
        MatrixView.RowMajor(a.Float32Pointer, K, false), MatrixView.RowMajor(weight.Float32Pointer, K, true),
        c.Float32Pointer, N, bias.Float32Pointer), Kernel);

    [Benchmark(Description = "A·B")]
    public void Plain() => Sgemm.Multiply(new GemmProblem(M, N, K, 1f,
        MatrixView.RowMajor(a.Float32Pointer, K, false), MatrixView.RowMajor(b.Float32Pointer, N, false),
        c.Float32Pointer, N, null), Kernel);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { a, weight, b, bias, c })
            t.Dispose();
    }
}
