using System;
using System.Linq;
using QRecipe.Runtime.Execution;
using QRecipe.Runtime.IO;

namespace QRecipe.Cli.Run;

/// <summary>The 8-bit images of a run, N × H × W × C, with the float run's where <c>--compare-fp</c> made one: the
/// samples themselves for a pixel-space model, the VAE's decoded images with <c>--vae</c>; none for latents without a
/// VAE.</summary>
internal sealed record RunImages(byte[] Pixels, byte[]? FloatPixels, int Count, int Height, int Width, int Channels)
{
    public static RunImages? Of(RunResult result, DecodedImages? decoded)
    {
        var m = result.Plan.Model;
        int n = result.Labels.Length;
        if (decoded is not null)
            return new RunImages(decoded.Rgb.SelectMany(b => b).ToArray(), decoded.FloatRgb?.SelectMany(b => b).ToArray(), n, decoded.Height, decoded.Width, 3);
        if (!m.PixelSpace)
            return null;
        byte[] ToPixels(float[] samples) => SampleImages.ToBytes(samples, n, m.InChannels, m.LatentSize, m.LatentSize);
        return new RunImages(ToPixels(result.Latents), result.FloatLatents is { } floats ? ToPixels(floats) : null, n, m.LatentSize, m.LatentSize, m.InChannels);
    }

    /// <summary>The arrays of <c>samples.npz</c> in the layout of ADM's evaluation suite: <c>arr_0</c> uint8
    /// N × H × W × C, <c>arr_1</c> int64 labels.</summary>
    public NpzFile.Entry[] AdmArrays(ReadOnlySpan<int> labels)
    {
        var wide = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
            wide[i] = labels[i];
        return new[] { NpzFile.Bytes("arr_0", Pixels, Count, Height, Width, Channels), NpzFile.Int64s("arr_1", wide, labels.Length) };
    }
}
