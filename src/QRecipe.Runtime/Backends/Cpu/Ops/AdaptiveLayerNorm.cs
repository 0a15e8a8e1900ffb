using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>The adaLN-Zero pieces of a DiT block (docs/dit.md): modulate x·(1 + scale) + shift, the same applied to
/// LayerNorm(x) in one pass, and the gated residual x + gate·y, where shift, scale and gate are one [D] row per sample
/// broadcast over that sample's T tokens. Each loop runs 16 lanes on AVX-512 first, then <see cref="Vector{T}"/> lanes,
/// then scalars, with the same operations per element in each (so the width changes no bit).</summary>
internal static unsafe class AdaptiveLayerNorm
{
    /// <summary>LayerNorm (as <see cref="LayerNorm"/>: two-pass mean and biased variance) and modulate in one pass over
    /// each row: the normalized value is rounded as LayerNorm stores it, then modulated as <see cref="Modulate"/>
    /// does, so the result equals the two calls bit for bit without writing and reading the normalized tensor.</summary>
    public static void ModulatedLayerNorm(float* x, float* shift, float* scale, float* output, int samples, int tokens, int width, float epsilon) =>
        RowParallel.For(samples * tokens, (long)samples * tokens * width,
            new RowOperands { X = x, Y = shift, Z = scale, Output = output, Width = width, Group = tokens, Scalar = epsilon }, &NormalizeModulateRows);

    private static void NormalizeModulateRows(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        var w = o.Width;
        for (var r = start; r < end; r++)
        {
            float* x = o.X + (nint)r * w, z = o.Output + (nint)r * w;
            float* shift = o.Y + (nint)(r / o.Group) * w, scale = o.Z + (nint)(r / o.Group) * w;
            var mean = VectorMath.Sum(x, w) / w;
            var variance = VectorMath.SumOfSquaredDeviations(x, w, mean) / w;
            var inverse = 1f / MathF.Sqrt(variance + o.Scalar);
            var m = new Vector<float>(mean);
            var s = new Vector<float>(inverse);
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var m16 = Vector512.Create(mean);
                var s16 = Vector512.Create(inverse);
                for (; i <= w - 16; i += 16)
                {
                    Vector512.FusedMultiplyAdd((Vector512.Load(x + i) - m16) * s16, Vector512<float>.One + Vector512.Load(scale + i),
                        Vector512.Load(shift + i)).Store(z + i);
                }
            }
            for (; i <= w - lanes; i += lanes)
                Vector.FusedMultiplyAdd((Vector.Load(x + i) - m) * s, Vector<float>.One + Vector.Load(scale + i), Vector.Load(shift + i)).Store(z + i);
            for (; i < w; i++)
                z[i] = (x[i] - mean) * inverse * (1f + scale[i]) + shift[i];
        }
    }

    public static void Modulate(float* x, float* shift, float* scale, float* output, int samples, int tokens, int width) =>
        RowParallel.For(samples * tokens, (long)samples * tokens * width,
            new RowOperands { X = x, Y = shift, Z = scale, Output = output, Width = width, Group = tokens }, &ModulateRows);

    public static void GatedResidual(float* x, float* gate, float* y, float* output, int samples, int tokens, int width) =>
        RowParallel.For(samples * tokens, (long)samples * tokens * width,
            new RowOperands { X = x, Y = y, Z = gate, Output = output, Width = width, Group = tokens }, &GatedRows);

    private static void ModulateRows(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        var w = o.Width;
        for (var r = start; r < end; r++)
        {
            float* x = o.X + (nint)r * w, z = o.Output + (nint)r * w;
            float* shift = o.Y + (nint)(r / o.Group) * w, scale = o.Z + (nint)(r / o.Group) * w;
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= w - 16; i += 16)
                    Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512<float>.One + Vector512.Load(scale + i), Vector512.Load(shift + i)).Store(z + i);
            }
            for (; i <= w - lanes; i += lanes)
                Vector.FusedMultiplyAdd(Vector.Load(x + i), Vector<float>.One + Vector.Load(scale + i), Vector.Load(shift + i)).Store(z + i);
            for (; i < w; i++)
                z[i] = x[i] * (1f + scale[i]) + shift[i];
        }
    }

    private static void GatedRows(in RowOperands o, int start, int end)
    {
        var lanes = Vector<float>.Count;
        var w = o.Width;
        for (var r = start; r < end; r++)
        {
            float* x = o.X + (nint)r * w, y = o.Y + (nint)r * w, z = o.Output + (nint)r * w;
            var gate = o.Z + (nint)(r / o.Group) * w;
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= w - 16; i += 16)
                    Vector512.FusedMultiplyAdd(Vector512.Load(gate + i), Vector512.Load(y + i), Vector512.Load(x + i)).Store(z + i);
            }
            for (; i <= w - lanes; i += lanes)
                Vector.FusedMultiplyAdd(Vector.Load(gate + i), Vector.Load(y + i), Vector.Load(x + i)).Store(z + i);
            for (; i < w; i++)
                z[i] = x[i] + gate[i] * y[i];
        }
    }
}
