using System;
using QRecipe.Runtime.IO;

namespace QRecipe.Runtime.Tests.IO;

/// <summary>Bytes as DiT saves samples (clamp(127.5·x + 128, 0, 255), truncated), checked by hand.</summary>
public sealed class SampleImagesTests
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
        SampleImages.ToBytes(image, 1, 3, 1, 6, rgb);
        // 127.5·x + 128: −1 → 0.5 → 0; 1 → 255.5 → 255; 0 → 128; −0.996 → 1.01 → 1; 0.5 → 191.75 → 191;
        // −0.5 → 64.25 → 64; 0.99999 → 255.49 → 255; −0.00393 → 127.499 → 127; −0.00392 → 127.5002 → 127; 1/255 → 128.5 → 128.
        Assert.Equal(new byte[] { 0, 0, 128, 255, 191, 128, 128, 64, 128, 1, 255, 128, 255, 127, 128, 0, 127, 128 }, rgb);
        Assert.Throws<ArgumentException>(() => SampleImages.ToBytes(image, 1, 3, 2, 6, rgb));
    }

    [Fact]
    public void Grey_batch_keeps_sample_order_and_goes_channels_last()
    {
        // Two 1-channel 1x2 samples: (-1, 1) and (0, 0.5) -> bytes 0, 255, 128, 191.
        Assert.Equal(new byte[] { 0, 255, 128, 191 }, SampleImages.ToBytes(new[] { -1f, 1f, 0f, 0.5f }, 2, 1, 1, 2));
    }
}
