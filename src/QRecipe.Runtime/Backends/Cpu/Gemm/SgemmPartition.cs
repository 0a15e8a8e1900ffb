namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>How a parallel SGEMM call shares its work among the workers.</summary>
internal enum SgemmPartition
{
    /// <summary><see cref="SharedTiles"/> when both packed operands fit <see cref="GemmBlocking.SharedPackFloats"/>
    /// (every DiT-S/B layer and the smaller DiT-XL ones), else <see cref="Chunks"/>; single-threaded below
    /// <see cref="GemmBlocking.ParallelThreshold"/>.</summary>
    Auto,

    /// <summary>A and B packed once into buffers the workers share; the workers claim 2-D tiles of C.</summary>
    SharedTiles,

    /// <summary>The longer side of C cut into chunks, each packed and multiplied with one worker's own buffers (the
    /// operand the cut does not divide is packed once per chunk, but the packed blocks stay cache-sized however large
    /// the operands).</summary>
    Chunks,
}
