using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// GELU (tanh approximation) and SiLU, elementwise (docs/dit.md). Both are written as x·σ(z) = x / (1 + exp(−z)):
/// for GELU, 0.5·(1 + tanh(u)) = σ(2u). For large |x| exp(−z) is 0 or +∞, giving x or −0, never NaN. With AVX-512
/// the loops run 16 lanes first, then <see cref="Vector{T}"/> lanes, then scalars; the width changes no result, as
/// <see cref="VectorExp.Exp(Vector512{float})"/> gives the narrow exp's bits wherever 1 + exp(−z) can tell them apart.
/// </summary>
internal static unsafe class Activations
{
    /// <summary>Elements per parallel chunk.</summary>
    private const int Chunk = 1 << 14;

    /// <summary>2·sqrt(2/π): z = 2u for GELU's u = sqrt(2/π)·(x + 0.044715·x³).</summary>
    private const float GeluScale = 1.5957691216057308f;

    private const float GeluCubic = 0.044715f;

    public static void Gelu(float* input, float* output, long count) => RunChunks(input, output, count, &GeluChunks);

    public static void Silu(float* input, float* output, long count) => RunChunks(input, output, count, &SiluChunks);

    private static void RunChunks(float* input, float* output, long count, delegate*<in RowOperands, int, int, void> kernel)
    {
        var chunks = (int)((count + Chunk - 1) / Chunk);
        RowParallel.For(chunks, count, new RowOperands { X = input, Output = output, Width = Chunk, Count = count }, kernel);
    }

    private static void GeluChunks(in RowOperands o, int start, int end)
    {
        for (var c = start; c < end; c++)
            GeluSpan(o.X + (nint)c * Chunk, o.Output + (nint)c * Chunk, (int)Math.Min(Chunk, o.Count - (long)c * Chunk));
    }

    /// <summary>GELU of n contiguous values (y may be x): the chunk kernel's loop, also run by the SGEMM on each tile
    /// of a fused linear + GELU while the tile is in cache, so both give the same bits.</summary>
    public static void GeluSpan(float* x, float* y, int n)
    {
        var lanes = Vector<float>.Count;
        var scale = new Vector<float>(GeluScale);
        var cubic = new Vector<float>(GeluCubic);
        var i = 0;
        if (VectorExp.WideSupported)
        {
            var scale16 = Vector512.Create(GeluScale);
            var cubic16 = Vector512.Create(GeluCubic);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.Load(x + i);
                var z = scale16 * Vector512.FusedMultiplyAdd(cubic16 * v, v * v, v);
                (v / (Vector512<float>.One + VectorExp.Exp(-z))).Store(y + i);
            }
        }
        for (; i <= n - lanes; i += lanes)
        {
            var v = Vector.Load(x + i);
            var z = scale * Vector.FusedMultiplyAdd(cubic * v, v * v, v);
            (v / (Vector<float>.One + VectorExp.Exp(-z))).Store(y + i);
        }

        for (; i < n; i++)
        {
            var v = x[i];
            y[i] = v / (1f + MathF.Exp(-GeluScale * (v + GeluCubic * v * v * v)));
        }
    }

    private static void SiluChunks(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        for (var c = start; c < end; c++)
        {
            var x = o.X + (nint)c * Chunk;
            var y = o.Output + (nint)c * Chunk;
            var n = (int)Math.Min(Chunk, o.Count - (long)c * Chunk);
            var i = 0;
            if (VectorExp.WideSupported)
            {
                for (; i <= n - 16; i += 16)
                {
                    var v = Vector512.Load(x + i);
                    (v / (Vector512<float>.One + VectorExp.Exp(-v))).Store(y + i);
                }
            }
            for (; i <= n - lanes; i += lanes)
            {
                var v = Vector.Load(x + i);
                (v / (Vector<float>.One + VectorExp.Exp(-v))).Store(y + i);
            }

            for (; i < n; i++)
                y[i] = x[i] / (1f + MathF.Exp(-x[i]));
        }
    }
}
