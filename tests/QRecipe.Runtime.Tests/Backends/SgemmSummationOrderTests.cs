using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// The SGEMM's documented order of operations (docs/cpu-backend.md): every element of C is a running fused
/// multiply-add from zero over each block of 256 values of k, then sum·alpha + addend rounded once (the bias on the
/// first block, the partial result after). Whatever path computes an element (full 8×48 tile, a narrow edge tile,
/// the scratch edge tile, the few-rows path of one or two samples) it must give exactly these bits, which is what
/// makes a sample's output independent of its batch and a fused attention equal to the step-by-step one. The
/// emulation below is a plain scalar loop written from that description.
/// </summary>
public sealed unsafe class SgemmSummationOrderTests
{
    /// <summary>The K block length the description fixes.</summary>
    private const int BlockLength = 256;

    public static IEnumerable<object[]> Cases()
    {
        var kernels = SgemmTests.Kernels().Select(k => (SgemmKernelKind)k[0]);
        // N = 64, 72 and 256 end in 16-, 24- and 16-column edges of the 48-wide tile (attention's head widths and
        // tokens); 40 is one 40-column edge; M = 1 to 4 against a transposed B take the few-rows path; K = 300 and 520
        // span two and three blocks; N = 3456 and 1601 cut each worker's columns into several column blocks (the
        // cache blocking's Nc), equal ones of whole tiles and a ragged last one.
        var shapes = new[]
        {
            (16, 64, 72, true), (13, 72, 64, false), (9, 256, 64, true), (24, 40, 300, true),
            (1, 37, 19, true), (2, 2304 / 8, 384, true), (3, 21, 520, true), (4, 8, 8, true), (2, 50, 300, false),
            (20, 3456, 300, true), (7, 1601, 260, false),
        };
        foreach (var kernel in kernels)
        {
            foreach (var (m, n, k, transposeB) in shapes)
            {
                foreach (var alpha in new[] { 1f, 0.3f })
                    yield return [kernel, m, n, k, transposeB, alpha];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_element_is_the_blocked_fused_sum(SgemmKernelKind kernel, int m, int n, int k, bool transposeB, float alpha)
    {
        using var a = TestData.Uniform(m + 7 * k, 1f, m, k);
        using var b = TestData.Uniform(n + 3 * k, 1f, transposeB ? [n, k] : [k, n]);
        using var bias = TestData.Uniform(n + 1, 1f, n);
        using var c = TestData.Uniform(2, 1000f, m, n);
        var problem = new GemmProblem(m, n, k, alpha, MatrixView.RowMajor(a.Float32Pointer, k, false),
            MatrixView.RowMajor(b.Float32Pointer, b.Shape[1], transposeB), c.Float32Pointer, n, bias.Float32Pointer);
        Sgemm.Multiply(problem, kernel);

        var av = a.ToArray<float>();
        var bv = b.ToArray<float>();
        var biasValues = bias.ToArray<float>();
        var actual = c.ToArray<float>();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var value = biasValues[j];
                for (var k0 = 0; k0 < k; k0 += BlockLength)
                {
                    var sum = 0f;
                    for (var p = k0; p < Math.Min(k, k0 + BlockLength); p++)
                        sum = MathF.FusedMultiplyAdd(av[i * k + p], transposeB ? bv[j * k + p] : bv[p * n + j], sum);
                    value = MathF.FusedMultiplyAdd(sum, alpha, value);
                }
                if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(actual[i * n + j]))
                    Assert.Fail($"{kernel} {m}x{n}x{k} tB={transposeB} alpha={alpha}: C[{i},{j}] = {actual[i * n + j]:R}, the blocked fused sum is {value:R}");
            }
        }
    }

    /// <summary>An adaLN layer of DiT-XL/2's width at one sample (2 rows with the guidance's null class: the few-rows
    /// path) and the same rows inside a chunk of 16 samples (32 rows: the blocked path) agree bit for bit, with and
    /// without the fused GELU.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_samples_rows_do_not_depend_on_its_batch(bool gelu)
    {
        const int width = 1152, outputs = 1152 * 6 / 8, rows = 32;
        using var x = TestData.Uniform(11, 2f, rows, width);
        using var w = TestData.Uniform(12, 0.05f, outputs, width);
        using var bias = TestData.Uniform(13, 0.1f, outputs);
        using var all = Tensor.Empty(rows, outputs);
        using var two = Tensor.Empty(2, outputs);
        using var firstTwo = x.Slice(0, 2);
        Apply(x, all);
        Apply(firstTwo, two);

        var expected = all.ToArray<float>().AsSpan(0, 2 * outputs).ToArray();
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), two.ToArray<float>().Select(BitConverter.SingleToInt32Bits));

        void Apply(Tensor input, Tensor output)
        {
            if (gelu)
                CpuBackend.Instance.LinearGelu(input, w, bias, output);
            else
                CpuBackend.Instance.Linear(input, w, bias, output);
        }
    }
}
