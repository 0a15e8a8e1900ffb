using System;
using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Sc;

/// <summary>
/// Where a run's noise-surrogate products are computed (docs/sc-engine.md): the CPU engine
/// (<see cref="ScEngineSurrogate"/>) or a GPU. Every implementation draws the same noise bit for bit from the same
/// scales; the exact product a·bᵀ under the noise agrees to FP32 GEMM rounding.
/// </summary>
public interface IScSurrogate
{
    /// <summary><see cref="ScNoiseSurrogate.Multiply(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, NoiseModel, bool, ScMode, ulong, ulong)"/>
    /// with per-row scales: b [m, d] is a weight tensor (a device keeps its copy of it between calls) and
    /// <paramref name="bRowScales"/> its <see cref="ScNoiseSurrogate.RowScales"/>.</summary>
    float[] Multiply(ReadOnlySpan<float> a, int n, Tensor b, ReadOnlySpan<float> bRowScales, int m, int d, int stream, NoiseModel noise, ScMode mode,
        ulong seed, ulong streamId);

    /// <summary><see cref="ScNoiseSurrogate.MultiplyBatched"/>: one abs-max per slice, slice s from Philox stream
    /// <paramref name="streamId"/> + s.</summary>
    float[] MultiplyBatched(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int n, int m, int d, int stream, NoiseModel noise, ScMode mode,
        ulong seed, ulong streamId);
}
