using System;

namespace QRecipe.Evaluation.Images;

/// <summary>Samples in the model's range [−1, 1] as the 8-bit images a user sees and every metric reads, with DiT's
/// conversion: ⌊clamp(127.5·x + 128, 0, 255)⌋, i.e. 127.5·(x + 1) rounded half up.</summary>
public static class PixelImages
{
    /// <summary>N × C × H × W floats (NCHW, as sampled) to N × H × W × C bytes (channels last, as ADM's .npz holds them).</summary>
    public static byte[] FromModelRange(ReadOnlySpan<float> samples, int count, int channels, int height, int width)
    {
        long plane = (long)height * width;
        if (samples.Length != count * channels * plane)
            throw new ArgumentException($"{count} samples of {channels} x {height} x {width} need {count * channels * plane} values, got {samples.Length}");
        var bytes = new byte[samples.Length];
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                var source = samples.Slice((int)((n * channels + c) * plane), (int)plane);
                for (int p = 0; p < plane; p++)
                    bytes[(n * plane + p) * channels + c] = ToByte(source[p]);
            }
        }
        return bytes;
    }

    public static byte ToByte(float value)
    {
        // NaN compares false everywhere; it becomes 0 rather than an undefined conversion.
        float scaled = 127.5f * value + 128f;
        return scaled >= 255f ? (byte)255 : scaled > 0f ? (byte)scaled : (byte)0;
    }
}
