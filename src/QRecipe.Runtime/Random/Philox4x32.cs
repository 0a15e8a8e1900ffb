using System.Runtime.CompilerServices;

// Namespace "Randomness" rather than the folder name "Random": a namespace QRecipe.Runtime.Random would shadow
// System.Random for every file under QRecipe.Runtime.* (CS0118 on `new Random(...)`).
namespace QRecipe.Runtime.Randomness;

/// <summary>
/// The Philox4x32-10 counter-based block function (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
/// SC'11; Random123). It maps a 128-bit counter and a 64-bit key to 128 random bits, so any block of any stream
/// can be computed directly, in any order, on any thread, with identical results on every machine.
/// <para>Round: with (c0,c1,c2,c3) the state and (k0,k1) the round key,
/// (hi0,lo0) = M0·c0, (hi1,lo1) = M1·c2 (32×32→64 products), new state = (hi1⊕c1⊕k0, lo1, hi0⊕c3⊕k1, lo0);
/// the key is bumped by the Weyl constants (W0,W1) between rounds; 10 rounds.</para>
/// </summary>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Encrypts one counter block under a key: 10 Philox rounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block128 Block(Block128 counter, uint key0, uint key1)
    {
        uint c0 = counter.X0, c1 = counter.X1, c2 = counter.X2, c3 = counter.X3;
        for (var round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                key0 += W0;
                key1 += W1;
            }

            var p0 = (ulong)M0 * c0;
            var p1 = (ulong)M1 * c2;
            var n0 = (uint)(p1 >> 32) ^ c1 ^ key0;
            var n2 = (uint)(p0 >> 32) ^ c3 ^ key1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }

        return new Block128(c0, c1, c2, c3);
    }
}

/// <summary>Four 32-bit words: a Philox counter or output block (word 0 is the least significant).</summary>
public readonly record struct Block128(uint X0, uint X1, uint X2, uint X3);
