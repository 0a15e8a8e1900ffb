using System;

namespace QRecipe.Cli.Run;

/// <summary>
/// A picture of latents when no VAE decodes them: channels 0, 1, 2 of each sample as red, green, blue, each channel
/// mapped from mean ± 3 standard deviations (over all samples) to 0..255, enlarged by nearest neighbour, samples in a
/// row with a 2-pixel gap. It shows structure and differences between recipes, not the image the VAE would decode.
/// Values that are not finite are left out of the mean and deviation; +∞ draws as 255, −∞ and NaN as 0.
/// </summary>
internal static class LatentImage
{
    public static (int Width, int Height, byte[] Rgb) Render(ReadOnlySpan<float> latents, int samples, int channels, int size, int zoom)
    {
        const int gap = 2;
        var width = samples * size * zoom + (samples - 1) * gap;
        var height = size * zoom;
        var rgb = new byte[width * height * 3];
        rgb.AsSpan().Fill(255);
        var plane = size * size;
        for (var c = 0; c < Math.Min(3, channels); c++)
        {
            double sum = 0, squares = 0, count = 0;
            for (var n = 0; n < samples; n++)
            {
                foreach (var v in latents.Slice((n * channels + c) * plane, plane))
                {
                    if (!float.IsFinite(v))
                        continue;
                    sum += v;
                    squares += (double)v * v;
                    count++;
                }
            }
            var mean = count == 0 ? 0 : sum / count;
            var std = Math.Sqrt(Math.Max(count == 0 ? 0 : squares / count - mean * mean, 1e-12));
            for (var n = 0; n < samples; n++)
            {
                var values = latents.Slice((n * channels + c) * plane, plane);
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < size * zoom; x++)
                    {
                        var v = values[(y / zoom) * size + x / zoom];
                        var level = float.IsNaN(v) ? 0 : Math.Clamp((v - mean) / (6 * std) + 0.5, 0, 1);
                        rgb[(y * width + n * (size * zoom + gap) + x) * 3 + c] = (byte)Math.Round(level * 255);
                    }
                }
            }
        }
        return (width, height, rgb);
    }
}
