using System;
using QRecipe.Language.Plan;
using QRecipe.Runtime.Randomness;

namespace QRecipe.Runtime.Sc;

/// <summary>Per-dimension XOR digital-shift masks μ_d (sc-kernels.md §3.4), applied to both operands' sequences.</summary>
public static class ScrambleMasks
{
    /// <summary>
    /// μ_d for d = 0..dims-1. <c>Random</c> is our own portable replacement for scmp's torch-generator masks:
    /// μ_d = (word d of Philox4x32-10 stream 0 under key = seed) AND (2^p − 1); see <see cref="PhiloxRandom"/>.
    /// </summary>
    public static int[] For(ScScramble scramble, int p, int dims, ulong seed)
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
                ScScramble.Random => (int)(RandomWord(seed, d) & (uint)(full - 1)),
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

    private static uint RandomWord(ulong seed, int index)
    {
        var block = PhiloxRandom.BlockAt(seed, 0, (ulong)index / 4);
        return (index % 4) switch
        {
            0 => block.X0,
            1 => block.X1,
            2 => block.X2,
            _ => block.X3,
        };
    }
}
