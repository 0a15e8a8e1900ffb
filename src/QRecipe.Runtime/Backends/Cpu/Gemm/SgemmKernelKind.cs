namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>The micro-kernel family an SGEMM runs with; the best supported one is chosen at start-up.</summary>
public enum SgemmKernelKind
{
    /// <summary>Portable <see cref="System.Numerics.Vector{T}"/> kernel.</summary>
    Vector,

    /// <summary>AVX2 + FMA, 6×16 tiles.</summary>
    Avx2,

    /// <summary>AVX-512F, 8×48 tiles.</summary>
    Avx512,
}
