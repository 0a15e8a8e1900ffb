using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Encoding;
using QRecipe.Runtime.Sc.Sequences;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// The legacy bitstream kernels (docs/sc-engine.md): a and b get independent streams bit_t = r[d,t] &lt; threshold on
/// the full 2^p grid (<see cref="ScSequences"/> gives them separate sequences and shifts), combined by XNOR (bipolar) or
/// AND (unipolar). Streams are bit-packed, ⌈L/64⌉ words per dimension with zero padding, so one output is a popcount
/// over D·⌈L/64⌉ words. .NET 10 exposes no VPOPCNTDQ intrinsic, so the vector path counts bits with AVX-512BW nibble
/// lookups (vpshufb) summed by vpsadbw; otherwise POPCNT per word. The integer result is acc = Σ_d (2·ones_d − L) for
/// XNOR, Σ_d ones_d for AND, decoded with <see cref="ScGeometry.StreamUnit"/>.
/// </summary>
public static class BitstreamKernel
{
    /// <summary>Forces the portable popcount (used by tests to cover both paths).</summary>
    internal static bool ForceScalar { get; set; }

    /// <summary>
    /// Stream threshold of the integer x: XNOR x + 2^(p−1), so P(1) = 1/2 + x/2^p and 2P − 1 = x/2^(p−1); AND x, so
    /// P(1) = x/2^p. Every integer is represented exactly, and with independent streams E[2·ones/L − 1] = x_a·x_b/4^(p−1)
    /// and E[ones/L] = x_a·x_b/4^p: the decode by <see cref="ScGeometry.StreamUnit"/>² gives the quantized product in
    /// expectation. (scmp's round((x/qmax + 1)/2·2^p) and round(x/qmax·2^p) with a qmax² decode are off by up to half a
    /// threshold step per element, which the unipolar zero-point terms amplify: 67% of the product at p = 4.)
    /// </summary>
    public static int Threshold(int value, bool xnor, int p) => xnor ? value + (1 << (p - 1)) : value;

    /// <summary>The accumulators of a·bᵀ on the legacy sequences (XNOR or AND as their geometry's kernel says).</summary>
    public static int[] Accumulate(ScCodes a, ScCodes b, ScSequences sequences)
    {
        var xnor = IsXnor(sequences);
        var p = sequences.Geometry.P;
        var dims = a.Dims;
        var length = sequences.Length;
        var wordsPerDim = (length + 63) / 64;
        var rowWords = (dims * wordsPerDim + 7) / 8 * 8;
        var packedA = Pack(a, sequences.A, length, wordsPerDim, rowWords, xnor, p);
        var packedB = Pack(b, sequences.B, length, wordsPerDim, rowWords, xnor, p);
        int n = a.Rows, m = b.Rows;
        var acc = new int[n * m];
        var vector = !ForceScalar && Avx512BW.IsSupported;
        Parallel.For(0, n, i =>
        {
            var rowA = packedA.AsSpan(i * rowWords, rowWords);
            for (var j = 0; j < m; j++)
            {
                var rowB = packedB.AsSpan(j * rowWords, rowWords);
                var count = vector ? PopCountAvx512(rowA, rowB, xnor) : PopCountScalar(rowA, rowB, xnor);
                // XNOR: ones = D·L − popcount(A xor B) (padding is zero in both), acc = Σ(2·ones − L).
                acc[i * m + j] = xnor ? (int)(dims * (long)length - 2 * count) : (int)count;
            }
        });
        return acc;
    }

    /// <summary>True for XNOR, false for AND; the enable kernel's sequences are refused.</summary>
    public static bool IsXnor(ScSequences sequences) => sequences.Geometry.Kernel switch
    {
        ScKernel.Xnor => true,
        ScKernel.And => false,
        var kernel => throw new ArgumentException($"the bitstream product needs the legacy kernels' sequences, not the {kernel} kernel's", nameof(sequences)),
    };

    private static ulong[] Pack(ScCodes codes, ushort[] rng, int length, int wordsPerDim, int rowWords, bool xnor, int p)
    {
        var dims = codes.Dims;
        var packed = new ulong[codes.Rows * rowWords];
        for (var r = 0; r < codes.Rows; r++)
        {
            for (var d = 0; d < dims; d++)
            {
                var threshold = Threshold(codes.Value[r * dims + d], xnor, p);
                var words = packed.AsSpan(r * rowWords + d * wordsPerDim, wordsPerDim);
                for (var t = 0; t < length; t++)
                {
                    if (rng[d * length + t] < threshold)
                        words[t >> 6] |= 1UL << (t & 63);
                }
            }
        }

        return packed;
    }

    private static long PopCountScalar(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, bool xor)
    {
        long count = 0;
        for (var w = 0; w < a.Length; w++)
            count += BitOperations.PopCount(xor ? a[w] ^ b[w] : a[w] & b[w]);
        return count;
    }

    private static unsafe long PopCountAvx512(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, bool xor)
    {
        var sum = Vector512<ulong>.Zero;
        var nibbleCounts = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var lowNibble = Vector512.Create((byte)0x0F);
        fixed (ulong* pa = a, pb = b)
        {
            for (var w = 0; w < a.Length; w += 8)
            {
                var va = Vector512.Load(pa + w);
                var vb = Vector512.Load(pb + w);
                var bytes = (xor ? va ^ vb : va & vb).AsByte();
                var counts = Avx512BW.Shuffle(nibbleCounts, bytes & lowNibble)
                    + Avx512BW.Shuffle(nibbleCounts, Avx512BW.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte() & lowNibble);
                sum += Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
            }
        }

        return (long)Vector512.Sum(sum);
    }
}
