using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using QRecipe.Cli.Output;
using SkiaSharp;

namespace QRecipe.Cli.Tests.Output;

public sealed class DrawingTests
{
    [Fact]
    public void Rgb_picture_decodes_to_the_same_pixels()
    {
        const int width = 5, height = 3;
        var pixels = Enumerable.Range(0, width * height * 3).Select(i => (byte)(i * 7)).ToArray();
        var png = Drawing.Png(width, height, pixels);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        using var decoded = SKBitmap.Decode(png);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                Assert.Equal(new SKColor(pixels[i], pixels[i + 1], pixels[i + 2]), decoded.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Zoomed_grey_image_repeats_every_pixel_as_a_block()
    {
        byte[] grey = { 0, 255, 100, 30 };
        var png = Drawing.Png(6, 6, canvas => Drawing.Image(canvas, grey, 2, 2, 1, 0, 0, 3));
        using var decoded = SKBitmap.Decode(png);
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                var v = grey[y / 3 * 2 + x / 3];
                Assert.Equal(new SKColor(v, v, v), decoded.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Empty_size_is_refused_with_the_size()
    {
        var error = Assert.Throws<ArgumentException>(() => Drawing.Png(0, 4, _ => { }));
        Assert.Contains("0x4", error.Message);
    }
}

/// <summary>Reads a PNG's chunks, to check the header of pictures the CLI writes.</summary>
internal static class PngFile
{
    public static (int Width, int Height) Size(byte[] png)
    {
        var header = Chunks(png)[0].Data;
        return (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
    }

    public static (string Type, byte[] Data)[] Chunks(byte[] png)
    {
        var chunks = new System.Collections.Generic.List<(string, byte[])>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            chunks.Add((type, png.AsSpan(offset + 8, length).ToArray()));
            offset += 12 + length;
        }
        return chunks.ToArray();
    }
}
