using System;
using QRecipe.Plan;
using QRecipe.Runtime.Sc.Surrogate;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Sc;

/// <summary>The CPU engine's noise surrogate (<see cref="ScNoiseSurrogate"/>), a run's default.</summary>
public sealed class ScEngineSurrogate : IScSurrogate
{
    public static ScEngineSurrogate Instance { get; } = new();

    private ScEngineSurrogate()
    {
    }

    public float[] Multiply(ReadOnlySpan<float> a, int n, Tensor b, ReadOnlySpan<float> bRowScales, int m, int d, int stream, NoiseModel noise,
        ScMode mode, ulong seed, ulong streamId) =>
        ScNoiseSurrogate.Multiply(a, n, b.AsReadOnlySpan<float>(), bRowScales, m, d, stream, noise, perRow: true, mode, seed, streamId);

    public float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d, int stream, NoiseModel noise,
        ScMode mode, ulong seed, ulong streamId) =>
        ScNoiseSurrogate.MultiplyBatched(a, b, batch, n, m, d, stream, noise, mode, seed, streamId);
}
