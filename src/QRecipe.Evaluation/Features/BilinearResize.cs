using System;

namespace QRecipe.Evaluation.Features;

/// <summary>Bilinear resizing with half-pixel centres and edge clamping, the convention of PyTorch's
/// <c>interpolate(mode="bilinear", align_corners=False)</c> without antialiasing: output pixel y samples the input at
/// (y + ½)·inH/outH − ½, clamped below at 0 (docs/evaluation.md).</summary>
public static class BilinearResize
{
    /// <summary>One channel plane of <paramref name="source"/> (values at a stride of <paramref name="stride"/> bytes,
    /// as in an interleaved H × W × C image) resized into <paramref name="target"/> (outH × outW, row-major).</summary>
    public static void Plane(ReadOnlySpan<byte> source, int inHeight, int inWidth, int stride, Span<float> target, int outHeight, int outWidth)
    {
        for (int y = 0; y < outHeight; y++)
        {
            var (y0, y1, ly) = Sample(y, inHeight, outHeight);
            for (int x = 0; x < outWidth; x++)
            {
                var (x0, x1, lx) = Sample(x, inWidth, outWidth);
                double top = (1 - lx) * source[(y0 * inWidth + x0) * stride] + lx * source[(y0 * inWidth + x1) * stride];
                double bottom = (1 - lx) * source[(y1 * inWidth + x0) * stride] + lx * source[(y1 * inWidth + x1) * stride];
                target[y * outWidth + x] = (float)((1 - ly) * top + ly * bottom);
            }
        }
    }

    private static (int Low, int High, double Weight) Sample(int index, int inSize, int outSize)
    {
        double position = Math.Max((index + 0.5) * inSize / outSize - 0.5, 0);
        int low = Math.Min((int)position, inSize - 1);
        int high = Math.Min(low + 1, inSize - 1);
        return (low, high, position - low);
    }
}
