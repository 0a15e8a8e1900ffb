using System;

namespace QRecipe.Evaluation.Fidelity;

/// <summary>Per-image fidelity of a quantized sample to the float sample of the same seed and label, on the 8-bit
/// pixels a user sees (docs/evaluation.md): PSNR over all channels, and SSIM with an 11 × 11 Gaussian window
/// (σ = 1.5, K₁ = 0.01, K₂ = 0.03, dynamic range 255) averaged over the window positions that lie inside the image
/// and over channels.</summary>
public static class ImageFidelity
{
    private const int Window = 11;
    private const double Sigma = 1.5;
    private const double C1 = (0.01 * 255) * (0.01 * 255);
    private const double C2 = (0.03 * 255) * (0.03 * 255);

    private static readonly double[] Kernel = GaussianKernel();

    /// <summary>PSNR in dB of two images of the same size; +∞ when they are identical.</summary>
    public static double Psnr(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> test)
    {
        CheckSameLength(reference, test);
        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = reference[i] - test[i];
            sum += d * d;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / reference.Length));
    }

    /// <summary>SSIM of two height × width × channels images (channels last), in [−1, 1]; 1 when identical.</summary>
    public static double Ssim(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> test, int height, int width, int channels)
    {
        CheckSameLength(reference, test);
        if (reference.Length != height * width * channels)
            throw new ArgumentException($"{height} x {width} x {channels} images have {height * width * channels} pixels, got {reference.Length}");
        if (height < Window || width < Window)
            throw new ArgumentException($"SSIM needs images of at least {Window} x {Window} pixels, got {height} x {width}");
        double total = 0;
        int positions = (height - Window + 1) * (width - Window + 1);
        for (int c = 0; c < channels; c++)
        {
            for (int top = 0; top + Window <= height; top++)
            {
                for (int left = 0; left + Window <= width; left++)
                    total += WindowSsim(reference, test, width, channels, c, top, left);
            }
        }
        return total / (positions * channels);
    }

    private static double WindowSsim(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, int width, int channels, int c, int top, int left)
    {
        double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < Window; i++)
        {
            for (int j = 0; j < Window; j++)
            {
                double w = Kernel[i] * Kernel[j];
                int index = ((top + i) * width + left + j) * channels + c;
                double a = x[index], b = y[index];
                mx += w * a;
                my += w * b;
                xx += w * a * a;
                yy += w * b * b;
                xy += w * a * b;
            }
        }
        double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
        return (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }

    private static double[] GaussianKernel()
    {
        var k = new double[Window];
        double sum = 0;
        for (int i = 0; i < Window; i++)
        {
            double d = i - Window / 2;
            k[i] = Math.Exp(-d * d / (2 * Sigma * Sigma));
            sum += k[i];
        }
        for (int i = 0; i < Window; i++)
            k[i] /= sum;
        return k;
    }

    private static void CheckSameLength(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException($"comparing images needs two non-empty images of the same size, got {a.Length} and {b.Length} bytes");
    }
}
