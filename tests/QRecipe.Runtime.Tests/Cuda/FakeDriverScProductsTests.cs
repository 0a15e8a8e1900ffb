using System;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Cuda;
using QRecipe.Runtime.Cuda.Sc;
using QRecipe.Runtime.Sc;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.MixedPrecision;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Cuda;

/// <summary>The SC products that the GPU computes whole on its tensors (Kernels/sc_codes.cu with sc.cu), against the
/// CPU engine's quantizer and per-row product on the same floats, bit for bit, under the fake driver.</summary>
public sealed class FakeDriverScProductsTests
{
    /// <summary>Rows of mixed magnitudes: an all-zero row (the 1e-5 range floor), rows of multiples of 1/16 up to
    /// qmax/8 (a bipolar scale of exactly 1/8 on that qmax, so odd multiples divide to halves, where round-half-even
    /// matters), a row with one outlier, Gaussian rows and rows of tiny values.</summary>
    private static float[] Operand(int rows, int dims, int seed, int qmax = 31)
    {
        var random = new System.Random(seed);
        var x = new float[rows * dims];
        for (var r = 0; r < rows; r++)
        {
            for (var d = 0; d < dims; d++)
            {
                x[r * dims + d] = (r % 4) switch
                {
                    0 when r > 0 => d == 0 ? qmax / 8f : random.Next(-2 * qmax, 2 * qmax + 1) / 16f,
                    1 => (float)(random.NextDouble() - 0.3) * (d == dims / 2 ? 40f : 0.5f),
                    2 => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())),
                    3 => (float)random.NextDouble() * 3e-3f - 1e-3f,
                    _ => 0f,
                };
            }
        }

        return x;
    }

    private static ScSetting Setting(int precision, int stream, ScMode mode, bool halve = false, ScScramble scramble = ScScramble.Bitrev,
        params int[] headStreams) =>
        new(true, precision, stream, headStreams.Length == 0 ? EquatableArray<int>.Empty : EquatableArray.Create(headStreams), EquatableArray<int>.Empty,
            null, ScKernel.Enable, scramble, 5, mode, halve, 0, null, false);

    [CudaTheory(CudaNeed.FakeDriver)]
    [InlineData(1, 7, 33, 6, false)]
    [InlineData(16, 64, 32, 6, false)]
    [InlineData(3, 9, 300, 8, false)]
    [InlineData(2, 12, 40, 6, true)]
    [InlineData(1, 5, 513, 9, true)]
    public void Device_quantization_equals_the_cpu_quantizer(int slices, int rows, int dims, int precision, bool unipolar)
    {
        var g = new ScOptions { Precision = precision, Mode = unipolar ? ScMode.Unipolar : ScMode.Bipolar, Kernel = ScKernel.Enable }.Resolve();
        var x = Operand(slices * rows, dims, 17 + dims, g.QMax);
        var expected = ScQuantizer.Grouped(x, slices * rows, dims, 1, g, unipolar);
        using var device = FakeDriver.Open();
        using var input = device.Upload<float>(x);
        using var codes = QuantizedOnDevice.Quantize(device, input.Pointer, slices, rows, dims, g, unipolar);
        Assert.True(codes.Finite());
        Assert.Equal(expected.Boundary, codes.Boundary.Download<ushort>(x.Length));
        Assert.Equal(expected.Sign, codes.Sign.Download<sbyte>(x.Length));
        Assert.Equal(expected.Scale.Select(s => (float)s), codes.Scale.Download<float>(slices * rows));
        if (unipolar)
        {
            Assert.Equal(expected.ZeroPoint!, codes.ZeroPoint!.Download<float>(slices * rows));
            Assert.Equal(expected.RowSum!, codes.RowSum!.Download<long>(slices * rows));
        }
    }

    [CudaTheory(CudaNeed.FakeDriver)]
    [InlineData(8, 16, 16, 32, 6, 64, ScMode.Bipolar, false)]
    [InlineData(2, 9, 23, 40, 8, 200, ScMode.Bipolar, true)]
    [InlineData(4, 16, 16, 8, 6, 64, ScMode.Unipolar, false)]
    [InlineData(1, 30, 7, 300, 7, 128, ScMode.Bipolar, false)]
    public void Device_products_equal_the_cpu_engine_bit_for_bit(int slices, int n, int m, int d, int precision, int stream, ScMode mode, bool halve)
    {
        var sc = Setting(precision, halve ? stream / 2 : stream, mode, halve);
        var (a, b) = (Operand(slices * n, d, 3), Operand(slices * m, d, 4));
        var expected = ScMatmul.MultiplyBatched(a, b, slices, n, m, d, ScOptions.FromSetting(sc, ScGranularity.PerRow));
        // The host applies the attention scale after the engine; the device in its decode.
        const float alpha = 0.125f * 1.1f;
        Assert.Equal(expected.Select(v => v * alpha), OnDevice(a, b, slices, n, m, d, sc, Enumerable.Repeat(sc.Stream, slices).ToArray(), alpha, null));
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void Per_head_stream_lengths_and_pruned_heads_equal_the_cpu_engine()
    {
        const int heads = 4, slices = 8, n = 16, m = 16, d = 32;
        var sc = Setting(6, 64, ScMode.Bipolar, scramble: ScScramble.Random, headStreams: [64, 32, 0, 17]);
        var streams = Enumerable.Range(0, slices).Select(s => sc.StreamOfHead(s % heads)).ToArray();
        var (a, b) = (Operand(slices * n, d, 5), Operand(slices * m, d, 6));
        var expected = ScMixedPrecision.MultiplyPerHead(a, b, slices, n, m, d, ScOptions.FromSetting(sc, ScGranularity.PerRow), streams).Output;
        var actual = OnDevice(a, b, slices, n, m, d, sc, streams, 1f, null);
        Assert.Equal(expected, actual);
        Assert.All(actual.AsSpan(2 * n * m, n * m).ToArray(), v => Assert.Equal(0f, v));
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_linear_product_adds_its_bias_after_the_decode_as_the_host_does()
    {
        const int rows = 20, outFeatures = 24, cols = 48;
        var sc = Setting(8, 256, ScMode.Bipolar);
        var (x, w) = (Operand(rows, cols, 7), Operand(outFeatures, cols, 8));
        var bias = Enumerable.Range(0, outFeatures).Select(j => (j - 11) * 0.37f).ToArray();
        var expected = ScMatmul.Multiply(x, rows, w, outFeatures, cols, ScOptions.FromSetting(sc, ScGranularity.PerRow));
        for (var i = 0; i < expected.Length; i++)
            expected[i] += bias[i % outFeatures];
        Assert.Equal(expected, OnDevice(x, w, 1, rows, outFeatures, cols, sc, [sc.Stream], 1f, bias));
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void A_non_finite_operand_fails_naming_its_element_as_on_the_cpu()
    {
        var a = Operand(4, 8, 9);
        a[13] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => OnDevice(a, Operand(4, 8, 10), 1, 4, 4, 8, Setting(6, 64, ScMode.Bipolar), [64], 1f, null));
        Assert.Contains("non-finite value NaN at flat index 13", error.Message);
    }

    [CudaFact(CudaNeed.FakeDriver)]
    public void Settings_the_device_does_not_compute_are_declined_with_a_reason()
    {
        using var device = CudaComputeDevice.Over(FakeDriver.Open());
        var products = device.ScProducts;
        Assert.Null(products.Declines(Setting(6, 64, ScMode.Unipolar)));
        Assert.Null(products.Declines(Setting(6, 64, ScMode.Bipolar, headStreams: [64, 32])));
        Assert.Equal("the legacy xnor kernel", products.Declines(Setting(6, 64, ScMode.Bipolar) with { Kernel = ScKernel.Xnor }));
        Assert.Equal("mixed precision", products.Declines(Setting(6, 64, ScMode.Bipolar) with
        {
            MixedPrecision = new MixedPrecision(EquatableArray.Create(64, 32), EquatableArray.Create(0.5, 0.5)),
        }));
        Assert.Equal("per-group stream lengths", products.Declines(Setting(6, 64, ScMode.Bipolar) with { GroupStreams = EquatableArray.Create(64, 32) }));
        Assert.Equal("chunk_d", products.Declines(Setting(6, 64, ScMode.Bipolar) with { Chunk = 16 }));
    }

    private static float[] OnDevice(float[] a, float[] b, int slices, int n, int m, int d, ScSetting sc, int[] streams, float alpha, float[]? bias)
    {
        using var device = CudaComputeDevice.Over(FakeDriver.Open());
        using var ta = Tensor.From(a, slices, n, d);
        using var tb = Tensor.From(b, slices, m, d);
        using var tbias = bias is null ? null : Tensor.From(bias, m);
        using var output = Tensor.Empty(slices, n, m);
        device.ScProducts.Multiply(ta, tb, slices, n, m, d, sc, streams, alpha, tbias, output);
        return output.AsReadOnlySpan<float>().ToArray();
    }
}
