namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Cache blocking (Goto/BLIS loop order jc → pc → ic → jr → ir), sized like BLIS's Zen configuration: a packed A
/// block (Mc×Kc floats, 144 KiB) stays in the 1 MiB L2 while the B micro-panels stream past it; the packed B block
/// (Kc×Nc, up to 4 MiB) lives in L3 and is packed once per (jc, pc); Nc is large so that a worker's whole column range
/// is one jc block for every DiT shape and A is packed only once per K block; a B micro-panel (Kc·NR floats, 32 KiB)
/// is reused from L1/L2 by the Mc/MR kernel calls of one jr step.
/// </summary>
internal static class GemmBlocking
{
    public const int Kc = 256;

    public const int Mc = 144;

    public const int Nc = 4096;

    /// <summary>Below this many multiply-adds a call runs on the calling thread: waking the workers costs more.</summary>
    public const long ParallelThreshold = 96 * 96 * 96;
}
