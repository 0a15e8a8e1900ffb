using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// Conv2d (stride 1, "same" zero padding) against a direct float64 convolution. Bound: each output is a float32 sum
/// of Cin·k·k products, so its error is at most ~depth·u·Σ|w·x| (SGEMM's blocked sums stay far below that); the test
/// allows 2e-6·Σ|w·x| per element, which holds for the depths used here (≤ 576) with a wide margin.
/// </summary>
public sealed class ConvolutionTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    [Theory]
    [InlineData(2, 3, 5, 7, 9, 3, true, 1f)]   // odd sizes, 3×3, bias
    [InlineData(1, 4, 6, 5, 5, 1, false, 1f)]  // 1×1, no bias
    [InlineData(3, 6, 2, 4, 3, 1, true, 1f)]   // 1×1 with bias, several images
    [InlineData(1, 2, 3, 1, 1, 3, true, 1f)]   // a 1×1 map: only the centre tap sees data
    [InlineData(2, 3, 4, 1, 6, 3, false, 1f)]  // one row
    [InlineData(1, 2, 2, 3, 4, 5, true, 1f)]   // 5×5 kernel larger than the map (padding 2)
    [InlineData(1, 5, 4, 6, 7, 3, true, 1e30f)] // large |x|: no overflow, no NaN
    [InlineData(1, 64, 3, 95, 97, 3, true, 1f)] // lowered in two chunks whose boundary falls inside a row
    public void Conv2d_matches_the_float64_reference(int n, int cin, int cout, int h, int w, int k, bool withBias, float range)
    {
        using var x = TestData.Uniform(n + cin + h, range, n, cin, h, w);
        using var weight = TestData.Uniform(cout + k, 1f / MathF.Sqrt(cin * k * k), cout, cin, k, k);
        using var bias = withBias ? TestData.Uniform(7, 0.5f, cout) : null;
        using var y = Tensor.Empty(n, cout, h, w);
        Backend.Conv2d(x, weight, bias, y);

        var (expected, magnitude) = Reference(TestData.ToDouble(x), TestData.ToDouble(weight), bias is null ? null : TestData.ToDouble(bias), n, cin, cout, h, w, k);
        var actual = y.AsSpan<float>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"element {i} is {actual[i]}");
            var error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= 2e-6 * magnitude[i] + 1e-30, $"[{n},{cin},{cout},{h},{w},k{k}] element {i}: {actual[i]:R}, expected {expected[i]:R} (error {error:E2}, Σ|w·x| {magnitude[i]:E2})");
        }
    }

    [Fact]
    public void Identity_kernel_copies_the_input_and_shifted_kernel_shifts_it()
    {
        const int h = 4, w = 5;
        using var x = TestData.Uniform(3, 1f, 1, 1, h, w);
        using var identity = Tensor.From(new float[] { 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 1, 1, 3, 3);
        // Tap (ky, kx) = (1, 2) reads x[y, x + 1]: the map moves one column left and the last column becomes padding.
        using var shift = Tensor.From(new float[] { 0, 0, 0, 0, 0, 1, 0, 0, 0 }, 1, 1, 3, 3);
        using var y = Tensor.Empty(1, 1, h, w);
        var input = x.ToArray<float>();

        Backend.Conv2d(x, identity, null, y);
        Assert.Equal(input, y.ToArray<float>());

        Backend.Conv2d(x, shift, null, y);
        var shifted = y.ToArray<float>();
        for (var r = 0; r < h; r++)
        {
            for (var c = 0; c < w; c++)
                Assert.Equal(c + 1 < w ? input[r * w + c + 1] : 0f, shifted[r * w + c]);
        }
    }

    [Fact]
    public void Mismatched_shapes_name_both_shapes()
    {
        using var x = Tensor.Empty(1, 3, 4, 4);
        using var weight = Tensor.Empty(2, 4, 3, 3);
        using var good = Tensor.Empty(2, 3, 3, 3);
        using var even = Tensor.Empty(2, 3, 2, 2);
        using var y = Tensor.Empty(1, 2, 4, 4);
        using var wrongOutput = Tensor.Empty(1, 2, 4, 5);
        using var bias = Tensor.Empty(3);
        using var pointwise = Tensor.Empty(2, 2, 1, 1);

        var cin = Assert.Throws<ShapeMismatchException>(() => Backend.Conv2d(x, weight, null, y));
        Assert.Equal("Conv2d: shapes [1, 3, 4, 4] and [2, 4, 3, 3] do not match (weight must be [Cout, Cin, k, k] with k odd and Cin the input's axis 1)", cin.Message);
        var evenKernel = Assert.Throws<ShapeMismatchException>(() => Backend.Conv2d(x, even, null, y));
        Assert.Contains("[2, 3, 2, 2]", evenKernel.Message);
        var output = Assert.Throws<ShapeMismatchException>(() => Backend.Conv2d(x, good, null, wrongOutput));
        Assert.Equal("Conv2d: shapes [1, 2, 4, 4] and [1, 2, 4, 5] do not match (output must be [N, Cout, H, W])", output.Message);
        var biasError = Assert.Throws<ShapeMismatchException>(() => Backend.Conv2d(x, good, bias, y));
        Assert.Contains("[3] and [2]", biasError.Message);
        var inPlace = Assert.Throws<ArgumentException>(() => Backend.Conv2d(y, pointwise, null, y));
        Assert.Equal("Conv2d: the output must not be the input", inPlace.Message);
    }

    /// <summary>The convolution and, per output, Σ|w·x| + |b| (the scale its rounding error is measured against).</summary>
    private static (double[] Output, double[] Magnitude) Reference(double[] x, double[] weight, double[]? bias, int n, int cin, int cout, int h, int w, int k)
    {
        var pad = k / 2;
        var output = new double[n * cout * h * w];
        var magnitude = new double[output.Length];
        for (var img = 0; img < n; img++)
            for (var o = 0; o < cout; o++)
                for (var r = 0; r < h; r++)
                    for (var c = 0; c < w; c++)
                    {
                        double sum = bias?[o] ?? 0, abs = Math.Abs(bias?[o] ?? 0);
                        for (var i = 0; i < cin; i++)
                            for (var ky = 0; ky < k; ky++)
                                for (var kx = 0; kx < k; kx++)
                                {
                                    int sy = r + ky - pad, sx = c + kx - pad;
                                    if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                                        continue;
                                    var product = weight[((o * cin + i) * k + ky) * k + kx] * x[((img * cin + i) * h + sy) * w + sx];
                                    sum += product;
                                    abs += Math.Abs(product);
                                }
                        var index = ((img * cout + o) * h + r) * w + c;
                        output[index] = sum;
                        magnitude[index] = abs;
                    }
        return (output, magnitude);
    }
}
