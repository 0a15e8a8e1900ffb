using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Every micro-kernel this machine can run, against the float64 reference (bound: <see cref="GemmReference"/>),
/// on shapes that exercise edge tiles (odd M, N; N = 64 and 800 are not multiples of 48), several K blocks (K &gt; 256), several N blocks (N &gt; 384), single
/// and multi-threaded partitions, all four transpose combinations and the bias.</summary>
public sealed unsafe class SgemmTests
{
    public static IEnumerable<object[]> Kernels() =>
        new[] { SgemmKernelKind.Avx512, SgemmKernelKind.Avx2, SgemmKernelKind.Vector }.Where(Sgemm.IsSupported).Select(k => new object[] { k });

    public static IEnumerable<object[]> Cases()
    {
        var shapes = new[] { (1, 1, 1), (7, 5, 3), (13, 33, 17), (8, 32, 64), (65, 97, 300), (200, 131, 37), (37, 800, 520), (96, 385, 257) };
        foreach (var kernel in Kernels().Select(k => (SgemmKernelKind)k[0]))
        {
            foreach (var (m, n, k) in shapes)
            {
                foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                    yield return [kernel, m, n, k, ta, tb];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_float64_reference(SgemmKernelKind kernel, int m, int n, int k, bool transposeA, bool transposeB)
    {
        using var a = TestData.Uniform(m * 31 + k, 1f, transposeA ? [k, m] : [m, k]);
        using var b = TestData.Uniform(n * 17 + k, 1f, transposeB ? [n, k] : [k, n]);
        using var bias = TestData.Uniform(n, 1f, n);
        using var c = TestData.Uniform(5, 1000f, m, n); // stale contents must be overwritten
        const float alpha = 0.75f;
        var problem = new GemmProblem(m, n, k, alpha,
            MatrixView.RowMajor(a.Float32Pointer, a.Shape[1], transposeA),
            MatrixView.RowMajor(b.Float32Pointer, b.Shape[1], transposeB),
            c.Float32Pointer, n, bias.Float32Pointer);
        Sgemm.Multiply(problem, kernel);
        var (expected, bound) = GemmReference.Multiply(a.ToArray<float>(), b.ToArray<float>(), bias.ToArray<float>(), m, n, k, transposeA, transposeB, alpha);
        GemmReference.AssertWithin(expected, bound, c.AsSpan<float>(), $"{kernel} {m}x{n}x{k} tA={transposeA} tB={transposeB}");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Batched_products_match_the_reference(SgemmKernelKind kernel)
    {
        foreach (var (batch, m, n, k, transposeB) in new[] { (1, 19, 23, 72, true), (6, 33, 33, 72, true), (6, 33, 72, 33, false), (3, 64, 130, 9, false) })
        {
            using var a = TestData.Uniform(batch + m, 1f, batch, m, k);
            using var b = TestData.Uniform(batch + n, 1f, transposeB ? [batch, n, k] : [batch, k, n]);
            using var c = Tensor.Empty(batch, m, n);
            var first = new GemmProblem(m, n, k, 0.5f, MatrixView.RowMajor(a.Float32Pointer, k, false),
                MatrixView.RowMajor(b.Float32Pointer, transposeB ? k : n, transposeB), c.Float32Pointer, n, null);
            BatchedSgemm.Multiply(first, batch, (nint)m * k, (nint)k * n, (nint)m * n, kernel);
            for (var i = 0; i < batch; i++)
            {
                using var ai = a.Select(i);
                using var bi = b.Select(i);
                using var ci = c.Select(i);
                var (expected, bound) = GemmReference.Multiply(ai.ToArray<float>(), bi.ToArray<float>(), null, m, n, k, false, transposeB, 0.5);
                GemmReference.AssertWithin(expected, bound, ci.AsSpan<float>(), $"{kernel} batch {i} of {batch}x{m}x{n}x{k}");
            }
        }
    }

    [Fact]
    public void The_default_kernel_is_the_widest_the_cpu_supports()
    {
        var expected = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? SgemmKernelKind.Avx512
            : System.Runtime.Intrinsics.X86.Fma.IsSupported ? SgemmKernelKind.Avx2 : SgemmKernelKind.Vector;
        Assert.Equal(expected, Sgemm.Default);
        Assert.Contains(expected.ToString(), CpuBackend.Instance.Name);
    }

    [Fact]
    public void A_dit_sized_linear_layer_matches_the_reference()
    {
        const int tokens = 256, width = 1152, outputs = 384;
        using var x = TestData.Uniform(1, 2f, 1, tokens, width);
        using var w = TestData.Uniform(2, 0.05f, outputs, width);
        using var bias = TestData.Uniform(3, 0.1f, outputs);
        using var y = Tensor.Empty(1, tokens, outputs);
        CpuBackend.Instance.Linear(x, w, bias, y);
        var (expected, bound) = GemmReference.Multiply(x.ToArray<float>(), w.ToArray<float>(), bias.ToArray<float>(), tokens, outputs, width, false, true, 1);
        GemmReference.AssertWithin(expected, bound, y.AsSpan<float>(), "Linear 256x1152 -> 384");
    }
}
