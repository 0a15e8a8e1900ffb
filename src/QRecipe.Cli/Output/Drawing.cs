using System;
using SkiaSharp;

namespace QRecipe.Cli.Output;

/// <summary>The one way the CLI makes a PNG: draw on a SkiaSharp canvas with a white background, encode losslessly.
/// Text uses the platform's default typeface.</summary>
internal static class Drawing
{
    public static byte[] Png(int width, int height, Action<SKCanvas> draw)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"a picture needs a positive size, got {width}x{height}");
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"cannot allocate a {width}x{height} picture");
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A PNG of an RGB picture (row-major, 3 bytes per pixel), pixel for pixel.</summary>
    public static byte[] Png(int width, int height, byte[] rgb) =>
        Png(width, height, canvas => Image(canvas, rgb, height, width, 3, 0, 0, 1));

    /// <summary>Draws text with its baseline at <paramref name="y"/>.</summary>
    public static void Text(SKCanvas canvas, string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Left, SKColor? color = null)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        using var paint = new SKPaint { Color = color ?? SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    public static void Box(SKCanvas canvas, float x, float y, float width, float height, SKColor fill)
    {
        using var paint = new SKPaint { Color = fill, Style = SKPaintStyle.Fill };
        canvas.DrawRect(x, y, width, height, paint);
    }

    /// <summary>Draws an 8-bit H × W × C image (C = 1 grey or 3 RGB) scaled by an integer <paramref name="zoom"/> with
    /// nearest-neighbour sampling, so every pixel stays visible.</summary>
    public static void Image(SKCanvas canvas, ReadOnlySpan<byte> pixels, int height, int width, int channels, float x, float y, int zoom)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var target = bitmap.GetPixelSpan();
        for (int p = 0; p < width * height; p++)
        {
            byte r = pixels[p * channels], g = channels == 3 ? pixels[p * channels + 1] : r, b = channels == 3 ? pixels[p * channels + 2] : r;
            target[p * 4] = r;
            target[p * 4 + 1] = g;
            target[p * 4 + 2] = b;
            target[p * 4 + 3] = 255;
        }
        using var paint = new SKPaint();
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, new SKRect(x, y, x + width * zoom, y + height * zoom), new SKSamplingOptions(SKFilterMode.Nearest), paint);
    }
}
