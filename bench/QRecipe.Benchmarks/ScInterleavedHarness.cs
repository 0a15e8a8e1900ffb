using System;
using System.Linq;

namespace QRecipe.Benchmarks;

/// <summary>
/// The <see cref="ScBenchmarks"/> ratios measured pairwise: each round times every SC call and then its FP32 peer
/// back to back (median of a few calls each) and keeps their ratio, so a change in the host's load between
/// BenchmarkDotNet's separate runs of the two cannot move it. Prints each pair's ratios over the rounds (min, median,
/// max). The shared 2-core host of this project moves absolute times by ±20% within minutes.
/// </summary>
public static class ScInterleavedHarness
{
    public static void Run(int rounds)
    {
        var bench = new ScBenchmarks();
        bench.Setup();
        (string Name, Action Sc, Action Peer)[] pairs =
        [
            ("linear, weight prepared, L = 256", () => bench.LinearScPrepared(256), () => bench.LinearFp32()),
            ("linear, weight prepared, L = 64", () => bench.LinearScPrepared(64), () => bench.LinearFp32()),
            ("linear, noise surrogate, row scales prepared", () => bench.LinearSurrogatePrepared(), () => bench.LinearFp32()),
            ("attention, per head, L = 256", () => bench.AttentionSc(256), () => bench.AttentionFp32()),
            ("attention, per head, L = 64", () => bench.AttentionSc(64), () => bench.AttentionFp32()),
        ];
        // Tiered JIT: without a warm-up the first round times unoptimised code.
        foreach (var pair in pairs)
        {
            for (var call = 0; call < 30; call++)
            {
                pair.Sc();
                pair.Peer();
            }
        }

        var ratios = new double[pairs.Length][];
        for (var p = 0; p < pairs.Length; p++)
            ratios[p] = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            for (var p = 0; p < pairs.Length; p++)
                ratios[p][round] = SgemmPeerHarness.MedianSeconds(pairs[p].Sc, 0.3) / SgemmPeerHarness.MedianSeconds(pairs[p].Peer, 0.3);
        }

        foreach (var (pair, r) in pairs.Zip(ratios))
        {
            var sorted = r.Order().ToArray();
            Console.WriteLine($"{pair.Name}: {sorted[0]:F2}x / {sorted[sorted.Length / 2]:F2}x / {sorted[^1]:F2}x (min / median / max of {rounds} rounds)");
        }
    }
}
