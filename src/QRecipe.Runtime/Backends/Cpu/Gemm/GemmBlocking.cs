namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Cache blocking (Goto/BLIS loop order jc → pc → ic → jr → ir). A packed B block (Kc×Nc floats, 384 KiB) stays in
/// the 1 MiB L2 while every A block of the worker's rows streams past it; an A block (Mc×Kc, 96 KiB) is packed once
/// per (pc, ic) and reused across the Nc columns; one kernel call touches Kc·(MR+NR) floats, about L1-sized.
/// </summary>
internal static class GemmBlocking
{
    public const int Kc = 256;

    public const int Mc = 96;

    public const int Nc = 384;

    /// <summary>Below this many multiply-adds a call runs on the calling thread: waking the workers costs more.</summary>
    public const long ParallelThreshold = 96 * 96 * 96;
}
