using System;
using QRecipe.Runtime.Export;

namespace QRecipe.Runtime.Tests.Export;

public class PackedBitsTests
{
    [Fact]
    public void Int4_codes_put_the_first_code_of_each_byte_in_its_low_nibble()
    {
        // Written by hand: (1, 2) -> 0x21, (15, 0) -> 0x0F, (7, padding 0) -> 0x07.
        var packed = PackedBits.Pack(new[] { 1, 2, 15, 0, 7 }, 4);
        Assert.Equal(new byte[] { 0x21, 0x0F, 0x07 }, packed);
        var codes = new int[5];
        PackedBits.Unpack(new byte[] { 0x21, 0x0F, 0x07 }, 4, codes);
        Assert.Equal(new[] { 1, 2, 15, 0, 7 }, codes);
    }

    [Fact]
    public void Int2_and_int3_codes_form_one_little_endian_bit_stream()
    {
        // int2: 0 | 1<<2 | 2<<4 | 3<<6 = 0b11100100 = 0xE4, then 3 alone.
        Assert.Equal(new byte[] { 0xE4, 0x03 }, PackedBits.Pack(new[] { 0, 1, 2, 3, 3 }, 2));
        // int3: 5 in bits 0-2, 3 in bits 3-5, 7 in bits 6-8: 0b11_011_101 = 0xDD, then the top bit of 7.
        Assert.Equal(new byte[] { 0xDD, 0x01 }, PackedBits.Pack(new[] { 5, 3, 7 }, 3));
        var codes = new int[3];
        PackedBits.Unpack(new byte[] { 0xDD, 0x01 }, 3, codes);
        Assert.Equal(new[] { 5, 3, 7 }, codes);
    }

    [Fact]
    public void Int8_codes_are_one_per_byte()
    {
        Assert.Equal(new byte[] { 0, 128, 255, 17 }, PackedBits.Pack(new[] { 0, 128, 255, 17 }, 8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Every_width_round_trips_and_takes_the_ceiling_of_n_times_b_over_8_bytes(int bits)
    {
        var random = new System.Random(bits);
        var codes = new int[1001];
        for (var i = 0; i < codes.Length; i++)
            codes[i] = random.Next(1 << bits);
        var packed = PackedBits.Pack(codes, bits);
        Assert.Equal((1001 * bits + 7) / 8, packed.Length);
        var back = new int[codes.Length];
        PackedBits.Unpack(packed, bits, back);
        Assert.Equal(codes, back);
        // Bit k of the stream is bit (k mod b) of code k / b.
        for (var k = 0; k < 1001 * bits; k++)
            Assert.Equal((codes[k / bits] >> (k % bits)) & 1, (packed[k / 8] >> (k % 8)) & 1);
    }

    [Fact]
    public void A_code_outside_the_width_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedBits.Pack(new[] { 16 }, 4));
    }
}
