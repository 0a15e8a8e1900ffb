using System;

namespace QRecipe.Runtime.Export;

/// <summary>
/// b-bit unsigned codes (b in 1..8) as one little-endian bit stream (docs/export-model.md): code i occupies stream
/// bits [i·b, i·b + b), least significant bit first, and stream bit j is bit j mod 8 of byte j / 8. For b = 4 the
/// first code of each byte is its low nibble; b = 8 is one code per byte; b = 3 codes cross byte boundaries. The
/// stream has ⌈n·b/8⌉ bytes and the unused high bits of the last byte are zero.
/// </summary>
public static class PackedBits
{
    public const int MaxBits = 8;

    public static long ByteCount(long count, int bits) => (count * bits + 7) / 8;

    /// <summary>Packs codes that must lie in 0..2^b − 1.</summary>
    public static byte[] Pack(ReadOnlySpan<int> codes, int bits)
    {
        CheckBits(bits);
        var packed = new byte[ByteCount(codes.Length, bits)];
        var top = (1 << bits) - 1;
        long bit = 0;
        foreach (var code in codes)
        {
            if ((uint)code > (uint)top)
                throw new ArgumentOutOfRangeException(nameof(codes), code, $"a {bits}-bit code lies in 0..{top}");
            // A code spans at most two bytes (b ≤ 8).
            var shifted = code << (int)(bit & 7);
            var at = (int)(bit >> 3);
            packed[at] |= (byte)shifted;
            if (shifted > 0xFF)
                packed[at + 1] |= (byte)(shifted >> 8);
            bit += bits;
        }
        return packed;
    }

    /// <summary>The first <c>codes.Length</c> codes of a packed stream of <paramref name="bits"/>-bit codes.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, int bits, Span<int> codes)
    {
        CheckBits(bits);
        if (packed.Length != ByteCount(codes.Length, bits))
            throw new ArgumentException($"{codes.Length} codes of {bits} bits take {ByteCount(codes.Length, bits)} bytes, not {packed.Length}", nameof(packed));
        var mask = (1 << bits) - 1;
        long bit = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            var at = (int)(bit >> 3);
            var word = packed[at] | (at + 1 < packed.Length ? packed[at + 1] << 8 : 0);
            codes[i] = (word >> (int)(bit & 7)) & mask;
            bit += bits;
        }
    }

    private static void CheckBits(int bits)
    {
        if (bits is < 1 or > MaxBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"codes of 1..{MaxBits} bits");
    }
}
