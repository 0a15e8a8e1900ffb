using System;
using QRecipe.Evaluation.Fidelity;

namespace QRecipe.Evaluation.Tests;

/// <summary>PSNR and SSIM on values worked out by hand.</summary>
public sealed class ImageFidelityTests
{
    [Fact]
    public void Psnr_is_ten_log10_of_peak_squared_over_mse()
    {
        Assert.Equal(double.PositiveInfinity, ImageFidelity.Psnr([1, 2, 3], [1, 2, 3]));
        // MSE 255²/2 → 10·log10(2).
        Assert.Equal(10 * Math.Log10(2), ImageFidelity.Psnr([0, 0], [0, 255]), 12);
        // Every byte off by one: MSE 1 → 20·log10(255) = 48.1308 dB.
        Assert.Equal(48.13080360867909, ImageFidelity.Psnr([10, 20, 30, 40], [11, 19, 31, 39]), 10);
        var error = Assert.Throws<ArgumentException>(() => ImageFidelity.Psnr([1, 2], [1]));
        Assert.Contains("2 and 1 bytes", error.Message);
        Assert.Throws<ArgumentException>(() => ImageFidelity.Psnr([], []));
    }

    [Fact]
    public void Ssim_of_an_image_with_itself_is_one_and_of_a_flat_shift_follows_the_luminance_term()
    {
        var image = new byte[16 * 16];
        for (int i = 0; i < image.Length; i++)
            image[i] = (byte)(i * 37 % 251);
        Assert.Equal(1, ImageFidelity.Ssim(image, image, 16, 16, 1), 12);
        // Two flat images a and b: variances and covariance are 0, so SSIM = (2ab + C1) / (a² + b² + C1).
        var a = new byte[12 * 12];
        var b = new byte[12 * 12];
        Array.Fill(a, (byte)100);
        Array.Fill(b, (byte)140);
        double c1 = Math.Pow(0.01 * 255, 2);
        Assert.Equal((2.0 * 100 * 140 + c1) / (100.0 * 100 + 140.0 * 140 + c1), ImageFidelity.Ssim(a, b, 12, 12, 1), 12);
    }
}
