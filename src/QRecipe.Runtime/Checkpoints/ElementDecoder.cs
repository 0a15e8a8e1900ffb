using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>Widens stored elements (float32, float16, bfloat16; either byte order; unsigned bytes) to float32.</summary>
internal static class ElementDecoder
{
    /// <summary>Decodes destination.Length consecutive elements from source.</summary>
    public static void Decode(ReadOnlySpan<byte> source, CheckpointDType dtype, bool bigEndian, Span<float> destination)
    {
        switch (dtype)
        {
            case CheckpointDType.Float32 when !bigEndian:
                source[..(destination.Length * 4)].CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case CheckpointDType.Float32:
                var words = MemoryMarshal.Cast<byte, uint>(source[..(destination.Length * 4)]);
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.UInt32BitsToSingle(BinaryPrimitives.ReverseEndianness(words[i]));
                break;
            case CheckpointDType.UInt8:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = source[i];
                break;
            default:
                var halves = MemoryMarshal.Cast<byte, ushort>(source[..(destination.Length * 2)]);
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = Widen(bigEndian ? BinaryPrimitives.ReverseEndianness(halves[i]) : halves[i], dtype);
                break;
        }
    }

    /// <summary>Decodes one element.</summary>
    public static float DecodeOne(ReadOnlySpan<byte> element, CheckpointDType dtype, bool bigEndian)
    {
        if (dtype == CheckpointDType.Float32)
        {
            uint bits = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(element) : BinaryPrimitives.ReadUInt32LittleEndian(element);
            return BitConverter.UInt32BitsToSingle(bits);
        }
        if (dtype == CheckpointDType.UInt8)
            return element[0];
        ushort half = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(element) : BinaryPrimitives.ReadUInt16LittleEndian(element);
        return Widen(half, dtype);
    }

    // bfloat16 is the upper half of a float32, so widening is a shift.
    private static float Widen(ushort bits, CheckpointDType dtype) => dtype == CheckpointDType.BFloat16
        ? BitConverter.UInt32BitsToSingle((uint)bits << 16)
        : (float)BitConverter.UInt16BitsToHalf(bits);
}
