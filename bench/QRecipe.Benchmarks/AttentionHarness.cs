using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Language;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Randomness;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Benchmarks;

/// <summary>
/// A DiT block's float attention at batch 2 and 256 tokens, step by step as the model ran it before fusion
/// (SplitHeads, q·kᵀ, the scores' NaN/±∞ check, softmax, ·v, the heads' check, MergeHeads) against
/// <see cref="CpuBackend.TryFusedAttention"/> with the model's check of its merged output, on the same qkv, alternating call by call so the host's load moves
/// both alike. Prints "attention model steps-ms fused-ms" with the median over the rounds of each; then the same for
/// whole DiT-S/2 float forwards (batch 2, seeded synthetic weights), the fused model against one whose operators do
/// not fuse.
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
                if (!backend.TryFusedAttention(qkv, heads, scale, merged) || backend.CountNonFinite(merged) != 0)
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
        Forwards(Math.Max(3, rounds / 20));
    }

    private static void Forwards(int rounds)
    {
        var spec = RecipeCompiler.Compile("recipe Attention\nmodel dit-s/2 image 256\nsampler ddim steps 1\n").Plan!.Model;
        var backend = CpuBackend.Instance;
        using var weights = DitWeights.Synthetic(spec, backend, seed: 1);
        using var fusedModel = new DitModel(weights, backend);
        using var stepsModel = new DitModel(weights, backend, new StepByStep(new FloatOperators(backend)));
        var latents = new float[DitBenchModel.Batch * spec.InChannels * spec.LatentSize * spec.LatentSize];
        PhiloxRandom.FillNormal(latents, 2);
        using var x = Tensor.From(latents, DitBenchModel.Batch, spec.InChannels, spec.LatentSize, spec.LatentSize);
        using var t = Tensor.From(new[] { 999f, 500f }, DitBenchModel.Batch);
        using var y = Tensor.From(new[] { 207, 360 }, DitBenchModel.Batch);
        using var output = Tensor.Empty(DitBenchModel.Batch, spec.OutChannels, spec.LatentSize, spec.LatentSize);
        var steps = new List<double>();
        var fused = new List<double>();
        for (var r = -2; r < rounds; r++)
        {
            var s = HarnessTiming.Seconds(() => stepsModel.Forward(x, t, y, output));
            var f = HarnessTiming.Seconds(() => fusedModel.Forward(x, t, y, output));
            if (r < 0)
                continue;
            steps.Add(s);
            fused.Add(f);
        }
        Console.WriteLine($"forward dit-s/2 {HarnessTiming.Median(steps) * 1e3:F1} {HarnessTiming.Median(fused) * 1e3:F1} (min {steps.Min() * 1e3:F1} {fused.Min() * 1e3:F1})");
    }

    /// <summary>Float operators that leave attention to the model's separate steps (the interface's default).</summary>
    private sealed class StepByStep(IDitOperators inner) : IDitOperators
    {
        public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output) => inner.Linear(site, input, weights, output);

        public void LinearGelu(LayerSite site, Tensor input, LinearWeights weights, Tensor output, QRecipe.Runtime.Backends.ITensorBackend backend) =>
            inner.LinearGelu(site, input, weights, output, backend);

        public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores) => inner.AttentionScores(site, q, k, scale, scores);

        public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output) => inner.AttentionValues(site, probabilities, v, output);
    }
}
