namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>How a parallel SGEMM call shares its work among the workers.</summary>
internal enum SgemmPartition
{
    /// <summary><see cref="SharedTiles"/> when chunks would cut C along its rows (M &gt; N, so each would pack all of
    /// B) and both packed operands fit <see cref="GemmBlocking.SharedPackFloats"/> (DiT-S/2's fc2 and attention
    /// projection), else <see cref="Chunks"/>; single-threaded below <see cref="GemmBlocking.ParallelThreshold"/>.
    /// Column cuts repack only A, the activations, and measured no slower than shared packing in a DiT forward, where
    /// a fresh copy of all of B costs its write-back (DiT-S/2's adaLN layer, 2 rows, ran 5.0–5.5 ms per forward
    /// shared against 3.7–4.1 ms in chunks).</summary>
    Auto,

    /// <summary>A and B packed once into buffers the workers share; the workers claim 2-D tiles of C.</summary>
    SharedTiles,

    /// <summary>The longer side of C cut into chunks, each packed and multiplied with one worker's own buffers (the
    /// operand the cut does not divide is packed once per chunk, but the packed blocks stay cache-sized however large
    /// the operands).</summary>
    Chunks,
}
