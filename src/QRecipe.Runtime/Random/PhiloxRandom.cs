using System;
using System.Threading.Tasks;

namespace QRecipe.Runtime.Randomness;

/// <summary>
/// Seeded, reproducible random numbers from <see cref="Philox4x32"/>. The layout is part of the contract: results
/// depend only on (seed, stream, position), never on the machine, thread count or call pattern of the fills.
/// <list type="bullet">
/// <item>Key: (k0, k1) = (low 32 bits, high 32 bits) of the 64-bit <c>seed</c>.</item>
/// <item>Counter of block <c>j</c> in stream <c>s</c>: (x0, x1) = low/high 32 bits of <c>j</c>, (x2, x3) = low/high
/// 32 bits of <c>s</c>. Streams give independent sequences under one seed (e.g. one per tensor).</item>
/// <item>Words: block j yields words 4j..4j+3 in order x0..x3.</item>
/// <item>Uniform float in [0,1): the top 24 bits of one word times 2^-24 (exact in float32).</item>
/// <item>Uniform double in [0,1): 53 bits from two words (u0 &gt;&gt; 5)·2^26 + (u1 &gt;&gt; 6), times 2^-53.</item>
/// <item>Standard normal: Box–Muller on the two 53-bit uniforms of one whole block, u = (x0,x1) and v = (x2,x3):
/// r = sqrt(−2 ln(1 − u)), z0 = r cos(2πv), z1 = r sin(2πv). Normal 2j and 2j+1 come from block j.
/// 1 − u lies in (0,1], so the log is finite. The integer and uniform streams are bit-exact everywhere;
/// normals are as exact as the platform's Math.Log/Sqrt/Cos/Sin (IEEE double).</item>
/// </list>
/// The instance methods draw words sequentially from block 0; <see cref="NextNormal"/> always starts a fresh block
/// (discarding unread words) so that its k-th normal equals element k of <see cref="FillNormal"/>.
/// </summary>
public sealed class PhiloxRandom
{
    private const double TwoPow53Inv = 1.0 / (1UL << 53);
    private const float TwoPow24Inv = 1.0f / (1 << 24);

    private readonly ulong seed;
    private readonly ulong stream;
    private ulong nextBlock;
    private Block128 current;
    private int wordsLeft;
    private double? spareNormal;

    public PhiloxRandom(ulong seed, ulong stream = 0)
    {
        this.seed = seed;
        this.stream = stream;
    }

    /// <summary>Block <paramref name="block"/> of stream <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static Block128 BlockAt(ulong seed, ulong stream, ulong block) =>
        Philox4x32.Block(
            new Block128((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32)),
            (uint)seed, (uint)(seed >> 32));

    public uint NextUInt32()
    {
        if (wordsLeft == 0)
        {
            current = BlockAt(seed, stream, nextBlock++);
            wordsLeft = 4;
        }

        var index = 4 - wordsLeft--;
        return index switch
        {
            0 => current.X0,
            1 => current.X1,
            2 => current.X2,
            _ => current.X3,
        };
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) by rejection (no modulo bias).</summary>
    public uint NextBelow(uint bound)
    {
        if (bound == 0)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        var limit = uint.MaxValue - (uint.MaxValue % bound + 1) % bound;
        uint word;
        do
            word = NextUInt32();
        while (word > limit);
        return word % bound;
    }

    public float NextFloat() => (NextUInt32() >> 8) * TwoPow24Inv;

    public double NextDouble()
    {
        var high = NextUInt32();
        var low = NextUInt32();
        return Uniform53(high, low);
    }

    public double NextNormal()
    {
        if (spareNormal is { } spare)
        {
            spareNormal = null;
            return spare;
        }

        var (z0, z1) = BoxMuller(BlockAt(seed, stream, nextBlock++));
        wordsLeft = 0;
        spareNormal = z1;
        return z0;
    }

    /// <summary>Fills <paramref name="destination"/> with mean + std·N(0,1); element i is normal i of the stream
    /// (block i/2, half i%2). Runs on all cores; the result does not depend on the partitioning.</summary>
    public static void FillNormal(Span<float> destination, ulong seed, ulong stream = 0, float mean = 0f, float std = 1f)
    {
        const int chunk = 1 << 14;
        var length = destination.Length;
        unsafe
        {
            fixed (float* basePtr = destination)
            {
                var ptr = (nint)basePtr;
                Parallel.For(0, (length + chunk - 1) / chunk, c =>
                {
                    var start = c * chunk;
                    var part = new Span<float>((float*)ptr + start, Math.Min(chunk, length - start));
                    NormalsAt(seed, stream, start, part, mean, std);
                });
            }
        }
    }

    /// <summary>Normals <paramref name="first"/> .. first + length − 1 of the stream as <see cref="FillNormal"/> writes
    /// them, on the calling thread: a piece of the fill for callers that split the work themselves. With AVX-512, 16 at a
    /// time by <see cref="PhiloxNormals512"/> (the same floats).</summary>
    public static void NormalsAt(ulong seed, ulong stream, long first, Span<float> destination, float mean = 0f, float std = 1f)
    {
        var k = 0;
        if ((first & 1) == 1 && destination.Length > 0)
            destination[k++] = (float)(mean + std * BoxMuller(BlockAt(seed, stream, (ulong)first / 2)).Z1);
        if (PhiloxNormals512.IsSupported)
        {
            for (; k + 16 <= destination.Length; k += 16)
                PhiloxNormals512.Sixteen(seed, stream, (ulong)(first + k) / 2, mean, std, destination.Slice(k, 16));
        }
        for (; k < destination.Length; k += 2)
        {
            var (z0, z1) = BoxMuller(BlockAt(seed, stream, (ulong)(first + k) / 2));
            destination[k] = (float)(mean + std * z0);
            if (k + 1 < destination.Length)
                destination[k + 1] = (float)(mean + std * z1);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform floats in [low, high): element i is word i of the
    /// stream mapped to [0,1) as documented above.</summary>
    public static void FillUniform(Span<float> destination, ulong seed, ulong stream = 0, float low = 0f, float high = 1f)
    {
        var width = high - low;
        for (var i = 0; i < destination.Length; i += 4)
        {
            var block = BlockAt(seed, stream, (ulong)i / 4);
            ReadOnlySpan<uint> words = [block.X0, block.X1, block.X2, block.X3];
            for (var w = 0; w < 4 && i + w < destination.Length; w++)
                destination[i + w] = low + width * ((words[w] >> 8) * TwoPow24Inv);
        }
    }

    private static double Uniform53(uint high, uint low) =>
        (((ulong)(high >> 5) << 26) | (low >> 6)) * TwoPow53Inv;

    private static (double Z0, double Z1) BoxMuller(Block128 block)
    {
        var u = Uniform53(block.X0, block.X1);
        var v = Uniform53(block.X2, block.X3);
        var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - u));
        var angle = 2.0 * Math.PI * v;
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }
}
