using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// The fused operations of the DiT forward against float64 references: linear + GELU (GELU applied by the SGEMM to
/// each finished tile) and LayerNorm + modulate in one pass. Bounds: the product's float32 bound
/// (<see cref="GemmReference"/>) carried through GELU, whose slope is below 1.13 everywhere, plus GELU's own rounding
/// (1e-5·|y| + 1e-7, as the row-operation tests); LayerNorm's 1e-5·|n| + 1e-5 times |1 + scale| plus 2 ulp of the
/// modulated value. Each fused call must also give exactly the bits of the two separate calls it replaces.
/// </summary>
public sealed unsafe class FusedOperationTests
{
    private const double GeluSlope = 1.13;

    public static IEnumerable<object[]> Cases()
    {
        // Edge tiles (N not a multiple of 48, M not of 8), several K blocks (K > 256), several chunks, K = 0 (bias only).
        var shapes = new[] { (1, 1, 1), (13, 33, 17), (65, 97, 300), (37, 800, 520), (96, 385, 257), (5, 7, 0) };
        foreach (var kernel in SgemmTests.Kernels().Select(k => (SgemmKernelKind)k[0]))
        {
            foreach (var (m, n, k) in shapes)
                yield return [kernel, m, n, k];
        }
    }

    private static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Linear_with_gelu_matches_the_float64_reference(SgemmKernelKind kernel, int m, int n, int k)
    {
        using var a = TestData.Uniform(m * 31 + k, 1f, m, Math.Max(k, 1));
        using var w = TestData.Uniform(n * 17 + k, 1f, n, Math.Max(k, 1));
        using var bias = TestData.Uniform(n, 2f, n);
        using var c = TestData.Uniform(5, 1000f, m, n); // stale contents must be overwritten
        var problem = new GemmProblem(m, n, k, 1f,
            MatrixView.RowMajor(a.Float32Pointer, a.Shape[1], false),
            MatrixView.RowMajor(w.Float32Pointer, w.Shape[1], true),
            c.Float32Pointer, n, bias.Float32Pointer, GemmEpilogue.Gelu);
        Sgemm.Multiply(problem, kernel);

        var (product, bound) = GemmReference.Multiply(a.ToArray<float>(), w.ToArray<float>(), bias.ToArray<float>(), m, n, k, false, true, 1);
        var actual = c.AsSpan<float>();
        for (var i = 0; i < product.Length; i++)
        {
            var expected = Gelu(product[i]);
            var allowed = GeluSlope * bound[i] + 1e-5 * Math.Abs(expected) + 1e-7;
            if (!(Math.Abs(actual[i] - expected) <= allowed))
                Assert.Fail($"{kernel} {m}x{n}x{k}: element {i} is {actual[i]:R}, expected {expected:R} (bound {allowed:E2})");
        }
    }

    [Fact]
    public void Linear_with_gelu_gives_the_bits_of_linear_then_gelu_on_a_dit_sized_layer()
    {
        // DiT-S/2's fc1 over batch 2: 512 tokens of width 384 to 1536.
        using var x = TestData.Uniform(1, 3f, 2, 256, 384);
        using var w = TestData.Uniform(2, 0.05f, 1536, 384);
        using var bias = TestData.Uniform(3, 0.1f, 1536);
        using var fused = Tensor.Empty(2, 256, 1536);
        using var separate = Tensor.Empty(2, 256, 1536);
        CpuBackend.Instance.LinearGelu(x, w, bias, fused);
        CpuBackend.Instance.Linear(x, w, bias, separate);
        CpuBackend.Instance.Gelu(separate, separate);
        Assert.True(fused.AsReadOnlySpan<float>().SequenceEqual(separate.AsReadOnlySpan<float>()));
    }

    [Theory]
    [InlineData(1, 5, 7, 3f)]
    [InlineData(2, 9, 384, 3f)]
    [InlineData(2, 4, 1155, 1e3f)]
    public void Modulated_layer_norm_matches_the_float64_reference_and_the_two_calls(int samples, int tokens, int width, float range)
    {
        using var x = TestData.Uniform(width, range, samples, tokens, width);
        using var shift = TestData.Uniform(width + 1, 1f, samples, width);
        using var scale = TestData.Uniform(width + 2, 1f, samples, width);
        using var fused = TestData.Uniform(9, 1000f, samples, tokens, width); // stale contents must be overwritten
        CpuBackend.Instance.ModulatedLayerNorm(x, shift, scale, fused);

        var input = TestData.ToDouble(x);
        double[] sh = TestData.ToDouble(shift), sc = TestData.ToDouble(scale);
        var actual = fused.AsSpan<float>();
        for (var r = 0; r < samples * tokens; r++)
        {
            var row = input.AsSpan(r * width, width);
            double mean = 0, variance = 0;
            foreach (var v in row)
                mean += v / width;
            foreach (var v in row)
                variance += (v - mean) * (v - mean) / width;
            var sample = r / tokens;
            for (var i = 0; i < width; i++)
            {
                var normalized = (row[i] - mean) / Math.Sqrt(variance + 1e-6);
                var gain = 1 + sc[sample * width + i];
                var expected = normalized * gain + sh[sample * width + i];
                var allowed = (1e-5 * Math.Abs(normalized) + 1e-5) * Math.Abs(gain) + 2.4e-7 * (Math.Abs(normalized * gain) + Math.Abs(expected));
                var error = Math.Abs(actual[r * width + i] - expected);
                if (!(error <= allowed))
                    Assert.Fail($"row {r} column {i}: {actual[r * width + i]:R}, expected {expected:R} (error {error:E2} > {allowed:E2})");
            }
        }

        using var normalizedTensor = Tensor.Empty(samples, tokens, width);
        using var separate = Tensor.Empty(samples, tokens, width);
        CpuBackend.Instance.LayerNorm(x, normalizedTensor);
        CpuBackend.Instance.Modulate(normalizedTensor, shift, scale, separate);
        Assert.True(fused.AsReadOnlySpan<float>().SequenceEqual(separate.AsReadOnlySpan<float>()));
    }
}
