using System;
using QRecipe.Plan;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Sc.Sequences;

/// <summary>Per-dimension XOR digital-shift masks (docs/sc-engine.md): the enable kernel shifts both operands' sequences
/// by μ_d, the legacy kernels shift a's by μ_d and b's by its own ν_d.</summary>
public static class ScrambleMasks
{
    /// <summary>
    /// μ_d for d = 0..dims-1. <c>Random</c> is our own portable replacement for scmp's torch-generator masks:
    /// μ_d = (word d of Philox4x32-10 stream 0 under key = seed) AND (2^p − 1); see <see cref="PhiloxRandom"/>.
    /// </summary>
    public static int[] For(ScScramble scramble, int p, int dims, ulong seed) => For(scramble, p, dims, seed, stream: 0);

    /// <summary>
    /// b's masks ν_d for the legacy kernels, which shift a's and b's sequences separately: <c>bitrev</c> gives b the
    /// counter masks and <c>counter</c> the bit-reversed ones, so the pairs (μ_d, ν_d) = (bitrev d, d) or (d, bitrev d)
    /// over d &lt; 2^p are the Hammersley point set, spread evenly over both shifts together; <c>random</c> takes word d
    /// of Philox stream 1 (a: stream 0), so the two shifts are independent and uniform; <c>off</c> shifts nothing.
    /// </summary>
    public static int[] ForLegacyB(ScScramble scramble, int p, int dims, ulong seed) => scramble switch
    {
        ScScramble.Bitrev => For(ScScramble.Counter, p, dims, seed, stream: 1),
        ScScramble.Counter => For(ScScramble.Bitrev, p, dims, seed, stream: 1),
        _ => For(scramble, p, dims, seed, stream: 1),
    };

    private static int[] For(ScScramble scramble, int p, int dims, ulong seed, ulong stream)
    {
        var masks = new int[dims];
        var full = 1 << p;
        for (var d = 0; d < dims; d++)
        {
            masks[d] = scramble switch
            {
                ScScramble.Bitrev => BitReverse(d & (full - 1), p),
                ScScramble.Counter => d & (full - 1),
                ScScramble.Off => 0,
                ScScramble.Random => (int)(RandomWord(seed, stream, d) & (uint)(full - 1)),
                _ => throw new ArgumentOutOfRangeException(nameof(scramble), scramble, "unknown scramble mode"),
            };
        }

        return masks;
    }

    /// <summary>Reverses the low <paramref name="bits"/> bits of <paramref name="value"/>.</summary>
    public static int BitReverse(int value, int bits)
    {
        var result = 0;
        for (var i = 0; i < bits; i++)
            result |= ((value >> i) & 1) << (bits - 1 - i);
        return result;
    }

    private static uint RandomWord(ulong seed, ulong stream, int index)
    {
        var block = PhiloxRandom.BlockAt(seed, stream, (ulong)index / 4);
        return (index % 4) switch
        {
            0 => block.X0,
            1 => block.X1,
            2 => block.X2,
            _ => block.X3,
        };
    }
}
