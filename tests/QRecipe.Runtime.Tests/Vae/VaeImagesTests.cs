using System;
using QRecipe.Runtime.Vae;

namespace QRecipe.Runtime.Tests.Vae;

/// <summary>Bytes as DiT saves samples (spec B.9: clamp(127.5·x + 128, 0, 255), truncated) and PSNR by hand.</summary>
public sealed class VaeImagesTests
{
    [Fact]
    public void Values_map_to_bytes_as_dit_saves_them()
    {
        // 1×6 image; channel planes R, G, B.
        float[] red = [-1f, 1f, 0f, -0.996f, 2f, float.NaN];
        float[] green = [-3f, 0.5f, -0.5f, 0.99999f, -0.00393f, -0.00392f];
        float[] blue = [1f / 255f, 0f, 0f, 0f, 0f, 0f];
        var image = new float[18];
        red.CopyTo(image, 0);
        green.CopyTo(image, 6);
        blue.CopyTo(image, 12);
        var rgb = new byte[18];
        VaeImages.ToRgb(image, 1, 6, rgb);
        // 127.5·x + 128: −1 → 0.5 → 0; 1 → 255.5 → 255; 0 → 128; −0.996 → 1.01 → 1; 0.5 → 191.75 → 191;
        // −0.5 → 64.25 → 64; 0.99999 → 255.49 → 255; −0.00393 → 127.499 → 127; −0.00392 → 127.5002 → 127; 1/255 → 128.5 → 128.
        Assert.Equal(new byte[] { 0, 0, 128, 255, 191, 128, 128, 64, 128, 1, 255, 128, 255, 127, 128, 0, 127, 128 }, rgb);
        Assert.Throws<ArgumentException>(() => VaeImages.ToRgb(image, 2, 6, rgb));
    }

    [Fact]
    public void Psnr_is_ten_log10_of_peak_squared_over_mse()
    {
        Assert.Equal(double.PositiveInfinity, VaeImages.Psnr([1, 2, 3], [1, 2, 3]));
        // MSE 255²/2 → 10·log10(2).
        Assert.Equal(10 * Math.Log10(2), VaeImages.Psnr([0, 0], [0, 255]), 12);
        // Every byte off by one: MSE 1 → 20·log10(255) = 48.1308 dB.
        Assert.Equal(48.13080360867909, VaeImages.Psnr([10, 20, 30, 40], [11, 19, 31, 39]), 10);
        var error = Assert.Throws<ArgumentException>(() => VaeImages.Psnr([1, 2], [1]));
        Assert.Contains("2 and 1 bytes", error.Message);
    }
}
