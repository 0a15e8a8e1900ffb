using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using QRecipe.Cli.Output;

namespace QRecipe.Cli.Tests.Output;

public sealed class PngWriterTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        // The CRC-32 check value of "123456789" is 0xCBF43926 for the IEEE polynomial.
        Assert.Equal(0xCBF43926u, Crc32.Update(0xFFFFFFFFu, Encoding.ASCII.GetBytes("123456789")) ^ 0xFFFFFFFFu);

    [Fact]
    public void Png_has_signature_header_pixels_and_the_fixed_iend_chunk()
    {
        const int width = 5, height = 3;
        var pixels = Enumerable.Range(0, width * height * 3).Select(i => (byte)(i * 7)).ToArray();
        var png = PngWriter.Encode(width, height, pixels);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = Chunks(png);
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, header[8..]);
        // Every PNG ends with the same 12 bytes: length 0, "IEND", CRC AE 42 60 82.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 }, png[^12..]);

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var raw = inflated.ToArray();
        Assert.Equal(height * (1 + width * 3), raw.Length);
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (1 + width * 3)]);
            Assert.Equal(pixels.AsSpan(y * width * 3, width * 3).ToArray(), raw.AsSpan(y * (1 + width * 3) + 1, width * 3).ToArray());
        }
    }

    [Fact]
    public void Wrong_pixel_count_names_both_sizes()
    {
        var error = Assert.Throws<ArgumentException>(() => PngWriter.Encode(4, 4, new byte[10]));
        Assert.Contains("4x4 RGB pixels need 48 bytes, got 10", error.Message);
    }

    internal static (string Type, byte[] Data)[] Chunks(byte[] png)
    {
        var chunks = new System.Collections.Generic.List<(string, byte[])>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            chunks.Add((type, png.AsSpan(offset + 8, length).ToArray()));
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(crc, Crc32.Update(0xFFFFFFFFu, png.AsSpan(offset + 4, 4 + length)) ^ 0xFFFFFFFFu);
            offset += 12 + length;
        }
        return chunks.ToArray();
    }
}
