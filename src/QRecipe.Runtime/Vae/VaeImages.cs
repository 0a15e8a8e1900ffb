using System;

namespace QRecipe.Runtime.Vae;

/// <summary>Decoded images as bytes, and how close two byte images are.</summary>
public static class VaeImages
{
    /// <summary>
    /// One image [3, H, W] in [−1, 1] → RGB bytes, row-major, 3 per pixel, as DiT saves samples (spec B.9):
    /// clamp(127.5·x + 128, 0, 255) truncated, i.e. 127.5·(x + 1) rounded half up; NaN becomes 0.
    /// </summary>
    public static void ToRgb(ReadOnlySpan<float> image, int height, int width, Span<byte> rgb)
    {
        var plane = height * width;
        if (image.Length != 3 * plane || rgb.Length != 3 * plane)
            throw new ArgumentException($"a {height}x{width} RGB image needs {3 * plane} values and bytes, got {image.Length} and {rgb.Length}");
        for (var c = 0; c < 3; c++)
        {
            var channel = image.Slice(c * plane, plane);
            for (var p = 0; p < plane; p++)
            {
                var level = 127.5f * channel[p] + 128f;
                rgb[3 * p + c] = level >= 255f ? (byte)255 : level > 0f ? (byte)level : (byte)0;
            }
        }
    }

    /// <summary>Peak signal-to-noise ratio in dB of two byte images of the same size: 10·log10(255² / MSE);
    /// +∞ when they are identical.</summary>
    public static double Psnr(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> other)
    {
        if (reference.Length != other.Length || reference.Length == 0)
            throw new ArgumentException($"PSNR needs two non-empty images of the same size, got {reference.Length} and {other.Length} bytes");
        long squares = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var d = reference[i] - other[i];
            squares += d * d;
        }
        return squares == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * reference.Length / squares);
    }
}
