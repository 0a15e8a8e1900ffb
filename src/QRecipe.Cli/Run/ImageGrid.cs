using System;

namespace QRecipe.Cli.Run;

/// <summary>Equal-size RGB images in a near-square grid (⌈√N⌉ columns, row-major) with 2-pixel white gaps.</summary>
internal static class ImageGrid
{
    private const int Gap = 2;

    public static (int Width, int Height, byte[] Rgb) Compose(byte[][] images, int width, int height)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(images.Length));
        var rows = (images.Length + columns - 1) / columns;
        int gridWidth = columns * width + (columns - 1) * Gap, gridHeight = rows * height + (rows - 1) * Gap;
        var rgb = new byte[gridWidth * gridHeight * 3];
        rgb.AsSpan().Fill(255);
        for (var i = 0; i < images.Length; i++)
        {
            int left = i % columns * (width + Gap), top = i / columns * (height + Gap);
            for (var y = 0; y < height; y++)
                images[i].AsSpan(y * width * 3, width * 3).CopyTo(rgb.AsSpan(((top + y) * gridWidth + left) * 3));
        }
        return (gridWidth, gridHeight, rgb);
    }
}
