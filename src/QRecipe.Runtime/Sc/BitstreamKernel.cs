using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// The legacy bitstream kernels (sc-kernels.md §4.6): a and b get independent streams bit_t = r[d,t] &lt; bnd on the
/// full 2^p grid, combined by XNOR (bipolar) or AND (unipolar). Streams are bit-packed, ⌈L/64⌉ words per dimension
/// with zero padding, so one output is a popcount over D·⌈L/64⌉ words. .NET 10 exposes no VPOPCNTDQ intrinsic, so
/// the vector path counts bits with AVX-512BW nibble lookups (vpshufb) summed by vpsadbw; otherwise POPCNT per word.
/// The integer result is acc = Σ_d (2·ones_d − L) for XNOR, Σ_d ones_d for AND.
/// </summary>
public static class BitstreamKernel
{
    /// <summary>Forces the portable popcount (used by tests to cover both paths).</summary>
    internal static bool ForceScalar { get; set; }

    /// <summary>Legacy stream threshold: XNOR bnd = round((x/qmax + 1)/2 · 2^p), AND bnd = round(x/qmax · 2^p);
    /// qmax is odd so no ties, and the exact integer forms below are used.</summary>
    public static int Threshold(int value, bool xnor, int p, int qmax) => xnor
        ? (int)(((long)(value + qmax << p) + qmax) / (2L * qmax))
        : ScCodes.ToBoundary(value, 1 << p, qmax);

    public static int[] Accumulate(ScCodes a, ScCodes b, ScSequences sequences, bool xnor, int p, int qmax)
    {
        var dims = a.Dims;
        var length = sequences.Length;
        var wordsPerDim = (length + 63) / 64;
        var rowWords = (dims * wordsPerDim + 7) / 8 * 8;
        var packedA = Pack(a, sequences.A, length, wordsPerDim, rowWords, xnor, p, qmax);
        var packedB = Pack(b, sequences.B, length, wordsPerDim, rowWords, xnor, p, qmax);
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

    private static ulong[] Pack(ScCodes codes, ushort[] rng, int length, int wordsPerDim, int rowWords, bool xnor, int p, int qmax)
    {
        var dims = codes.Dims;
        var packed = new ulong[codes.Rows * rowWords];
        for (var r = 0; r < codes.Rows; r++)
        {
            for (var d = 0; d < dims; d++)
            {
                var threshold = Threshold(codes.Value[r * dims + d], xnor, p, qmax);
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
