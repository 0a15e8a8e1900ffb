using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// A DiT block's float attention at batch 2 and 256 tokens, step by step as the model ran it before fusion
/// (SplitHeads, q·kᵀ, the scores' NaN/±∞ check, softmax, ·v, the heads' check, MergeHeads) against
/// <see cref="CpuBackend.TryFusedAttention"/> on the same qkv, alternating call by call so the host's load moves
/// both alike. Prints "attention model steps-ms fused-ms" with the median over the rounds of each.
/// </summary>
public static class AttentionHarness
{
    public static void Run(int rounds)
    {
        foreach (var (model, hidden, heads) in new[] { ("dit-s/2", 384, 6), ("dit-xl/2", 1152, 16) })
        {
            const int batch = 2, tokens = 256;
            var backend = CpuBackend.Instance;
            var hd = hidden / heads;
            using var qkv = Tensor.Empty(batch, tokens, 3 * hidden);
            backend.RandomNormal(qkv, 3);
            using var q = Tensor.Empty(batch, heads, tokens, hd);
            using var k = Tensor.Empty(batch, heads, tokens, hd);
            using var v = Tensor.Empty(batch, heads, tokens, hd);
            using var scores = Tensor.Empty(batch, heads, tokens, tokens);
            using var outputs = Tensor.Empty(batch, heads, tokens, hd);
            using var merged = Tensor.Empty(batch, tokens, hidden);
            var scale = 1f / MathF.Sqrt(hd);
            void Steps()
            {
                backend.SplitHeads(qkv, q, k, v);
                backend.BatchedMatMul(q, k, scores, transposeB: true, alpha: scale);
                backend.CountNonFinite(scores);
                backend.Softmax(scores, scores);
                backend.BatchedMatMul(scores, v, outputs);
                backend.CountNonFinite(outputs);
                backend.MergeHeads(outputs, merged);
            }
            void Fused()
            {
                if (!backend.TryFusedAttention(qkv, heads, scale, merged))
                    throw new InvalidOperationException("fused attention did not run");
            }
            var steps = new List<double>();
            var fused = new List<double>();
            for (var warm = 0; warm < 20; warm++)
            {
                Steps();
                Fused();
            }
            for (var r = 0; r < rounds; r++)
            {
                steps.Add(HarnessTiming.Seconds(Steps));
                fused.Add(HarnessTiming.Seconds(Fused));
            }
            Console.WriteLine($"attention {model} {HarnessTiming.Median(steps) * 1e3:F3} {HarnessTiming.Median(fused) * 1e3:F3} (min {steps.Min() * 1e3:F3} {fused.Min() * 1e3:F3})");
        }
    }
}
