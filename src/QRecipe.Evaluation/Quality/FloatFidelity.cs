using System;
using System.Linq;
using QRecipe.Evaluation.Fidelity;

namespace QRecipe.Evaluation.Quality;

/// <summary>How close each quantized image stays to the float image of the same seed and label: PSNR and SSIM per
/// sample. Quantization can leave FID unchanged while changing every image, so both kinds of metric are reported.</summary>
public sealed record FloatFidelity(double[] Psnr, double[] Ssim)
{
    /// <summary>Samples identical to float (PSNR +∞), which the mean PSNR leaves out.</summary>
    public int Identical => Psnr.Count(double.IsPositiveInfinity);

    /// <summary>Mean PSNR of the samples that differ from float; +∞ when every sample is identical.</summary>
    public double MeanPsnr => Psnr.Any(double.IsFinite) ? Psnr.Where(double.IsFinite).Average() : double.PositiveInfinity;

    public double MeanSsim => Ssim.Average();

    public static FloatFidelity Measure(byte[] floatImages, byte[] images, int count, int height, int width, int channels)
    {
        int size = height * width * channels;
        if (floatImages.Length != count * size || images.Length != count * size)
            throw new ArgumentException($"{count} images of {height} x {width} x {channels} need {count * size} bytes each side");
        var psnr = new double[count];
        var ssim = new double[count];
        for (int i = 0; i < count; i++)
        {
            var reference = floatImages.AsSpan(i * size, size);
            var test = images.AsSpan(i * size, size);
            psnr[i] = ImageFidelity.Psnr(reference, test);
            ssim[i] = ImageFidelity.Ssim(reference, test, height, width, channels);
        }
        return new FloatFidelity(psnr, ssim);
    }
}
