namespace QRecipe.Runtime.Backends.Cpu.Gemm;

/// <summary>
/// Cache blocking (Goto/BLIS loop order jc → pc → ic → jr → ir), sized for a core with a 1 MiB L2: a packed A block
/// (Mc×Kc floats, 144 KiB) and a packed B block (Kc×Nc, 768 KiB) share the L2, so the B micro-panels (Kc·NR floats,
/// 48 KiB) that the Mc/MR kernel calls of one jr step reuse come from L2, not L3. A wider B block (Nc 4096, a worker's
/// whole column range as one block) read them from L3: with two workers, weights cold and the two settings
/// alternating call by call, DiT-XL/2's qkv (512×1152×3456) ran at 346 against 327 GFLOP/s and fc1 (512×1152×4608)
/// at 347 against 324 (docs/performance.md), though A is then packed once per column block instead of once per K
/// block. Shapes whose worker range is at most 768 columns (all of DiT-S/2's) are one block either way.
/// </summary>
internal static class GemmBlocking
{
    public const int Kc = 256;

    public const int Mc = 144;

    public const int Nc = 768;

    /// <summary>Below this many multiply-adds a call runs on the calling thread: waking the workers costs more.</summary>
    public const long ParallelThreshold = 96 * 96 * 96;
}
