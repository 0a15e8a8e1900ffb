using System;
using System.Runtime.InteropServices;
using System.Threading;
using QRecipe.Runtime.Backends.Cpu.Gemm;
using QRecipe.Runtime.Backends.Cpu.Parallel;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>
/// A DiT block's self-attention in one pass per (sample, head, block of query rows): S = scale·Q·Kᵀ into a per-thread
/// tile that stays in L2 (the whole head at 256 tokens), softmax in place with the row kernels of <see cref="Softmax"/>,
/// and O = P·V with the same SGEMM. Every value is the one the step-by-step path (SplitHeads, BatchedMatMul, Softmax,
/// BatchedMatMul, MergeHeads) computes, bit for bit: a GEMM element's sum runs in the same order whatever the row
/// range and strides, so a float recipe and the float model agree exactly whether or not their attention fuses. Q, K and V are read with strides straight out of the qkv projection
/// [N, T, 3D] and O is written in the merged layout [N, T, D], so neither the head split nor the merge copies
/// anything and the [N, H, T, T] scores never reach memory. Work items are claimed with an atomic counter so that a
/// descheduled worker does not hold the other back. The scores are probed for NaN and ±∞ in softmax's maximum pass
/// (x·0 accumulated, see <see cref="Softmax"/>), so the caller can redo a non-finite block step by step and report
/// which product made it; the output is left to the caller's check of the merged tensor (one contiguous scan, where
/// probing 64-float rows in the item cost 4% of the call).
/// </summary>
internal static unsafe class FusedAttention
{
    /// <summary>Score floats per work item: a 256 KiB tile, which stays in L2 (a whole head at T = 256; smaller row
    /// blocks per item measured slower there, the repacking of Kᵀ and V and the per-call GEMM set-up outweighing
    /// the better balance).</summary>
    private const int TileFloats = 1 << 16;

    /// <summary>Most query rows per item.</summary>
    private const int MaxRowBlock = 1024;

    /// <summary>merged = MergeHeads(softmax(scale·q·kᵀ)·v) for q, k, v the heads of qkv; returns whether every score
    /// was finite.</summary>
    public static bool Run(float* qkv, float* merged, int samples, int heads, int tokens, int headDim, float scale)
    {
        var job = AttentionJob.ForCurrentThread;
        job.Qkv = qkv;
        job.Merged = merged;
        job.Heads = heads;
        job.Tokens = tokens;
        job.HeadDim = headDim;
        job.Scale = scale;
        job.RowBlock = Math.Clamp(TileFloats / Math.Max(1, tokens) / 16 * 16, 16, MaxRowBlock);
        job.BlocksPerHead = (tokens + job.RowBlock - 1) / job.RowBlock;
        job.Items = samples * heads * job.BlocksPerHead;
        job.NextItem = 0;
        job.NonFinite = 0;
        if ((long)samples * heads * tokens * tokens * headDim < GemmBlocking.ParallelThreshold)
            job.Execute(0, 1);
        else
            CpuWorkerPool.Shared.Run(job);
        return job.NonFinite == 0;
    }

    private static bool Item(AttentionJob job, int item)
    {
        int t = job.Tokens, hd = job.HeadDim, d = job.Heads * hd;
        var block = item % job.BlocksPerHead;
        var pair = item / job.BlocksPerHead;
        int head = pair % job.Heads, sample = pair / job.Heads;
        var first = block * job.RowBlock;
        var rows = Math.Min(job.RowBlock, t - first);
        var stride = 3 * (nint)d;
        var tokens = job.Qkv + (nint)sample * t * stride;
        var q = tokens + first * stride + head * hd;
        var k = tokens + d + head * hd;
        var v = tokens + 2 * d + head * hd;
        var scores = Scratch.For(rows * t);
        var kernel = Sgemm.Default;

        // Kᵀ is [hd × T]: element (j, s) is k[s, j].
        var product = new GemmProblem(rows, t, hd, job.Scale, new MatrixView(q, stride, 1), new MatrixView(k, 1, stride), scores, t, null);
        Sgemm.MultiplyRange(product, kernel, 0, rows, 0, t);
        var finite = true;
        for (var r = 0; r < rows; r++)
        {
            var row = scores + (nint)r * t;
            var sum = Softmax.Exponentials(row, row, t, out var rowFinite);
            Softmax.Scale(row, t, 1f / sum);
            finite &= rowFinite;
        }

        var output = job.Merged + ((nint)sample * t + first) * d + head * hd;
        var values = new GemmProblem(rows, hd, t, 1f, new MatrixView(scores, t, 1), new MatrixView(v, stride, 1), output, d, null);
        Sgemm.MultiplyRange(values, kernel, 0, rows, 0, hd);
        return finite;
    }

    private sealed class AttentionJob : IParallelWork
    {
        [ThreadStatic]
        private static AttentionJob? perThread;

        public static AttentionJob ForCurrentThread => perThread ??= new AttentionJob();

        public float* Qkv;
        public float* Merged;
        public int Heads;
        public int Tokens;
        public int HeadDim;
        public float Scale;
        public int RowBlock;
        public int BlocksPerHead;
        public int Items;
        public int NextItem;
        public int NonFinite;

        public void Execute(int worker, int workerCount)
        {
            int item;
            while ((item = Interlocked.Increment(ref NextItem) - 1) < Items)
            {
                if (!Item(this, item))
                    Volatile.Write(ref NonFinite, 1);
            }
        }
    }

    /// <summary>Per-thread score tile, grown to the largest size used and then reused.</summary>
    private static class Scratch
    {
        [ThreadStatic]
        private static float* tile;

        [ThreadStatic]
        private static nint capacity;

        public static float* For(int floats)
        {
            if (capacity < floats)
            {
                NativeMemory.AlignedFree(tile);
                tile = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
                capacity = floats;
            }
            return tile;
        }
    }
}
