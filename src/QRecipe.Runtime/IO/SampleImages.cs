using System;

namespace QRecipe.Runtime.IO;

/// <summary>Samples in [−1, 1] (pixel-space samples, or images a VAE decoded) as 8-bit images, the way DiT's sampling
/// script saves them: ⌊clamp(127.5·x + 128, 0, 255)⌋, i.e. 127.5·(x + 1) rounded half up; NaN becomes 0. Every picture,
/// <c>samples.npz</c> and every quality metric read these bytes (docs/evaluation.md).</summary>
public static class SampleImages
{
    /// <summary>N × C × H × W floats (as sampled) to N × H × W × C bytes (channels last, as ADM's .npz holds them).</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> samples, int count, int channels, int height, int width)
    {
        var bytes = new byte[samples.Length];
        ToBytes(samples, count, channels, height, width, bytes);
        return bytes;
    }

    public static void ToBytes(ReadOnlySpan<float> samples, int count, int channels, int height, int width, Span<byte> bytes)
    {
        long plane = (long)height * width;
        if (samples.Length != count * channels * plane || bytes.Length != samples.Length)
            throw new ArgumentException($"{count} images of {channels} x {height} x {width} need {count * channels * plane} values and bytes, got {samples.Length} and {bytes.Length}");
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                var source = samples.Slice((int)((n * channels + c) * plane), (int)plane);
                for (int p = 0; p < plane; p++)
                    bytes[(int)((n * plane + p) * channels + c)] = ToByte(source[p]);
            }
        }
    }

    public static byte ToByte(float value)
    {
        // NaN compares false everywhere, so it becomes 0 rather than an undefined conversion.
        float level = 127.5f * value + 128f;
        return level >= 255f ? (byte)255 : level > 0f ? (byte)level : (byte)0;
    }
}
