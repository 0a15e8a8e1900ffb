using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.SelfTest;

/// <summary>Every <see cref="ITensorBackend"/> operation the CUDA backend runs on the device, on seeded inputs, against
/// the CPU backend; shapes are DiT-like but small, with odd sizes to exercise tails. Tolerances: 1e-5 of the largest
/// magnitude for FP32 products and reductions (different summation orders), 1e-6 for elementwise maps (libm
/// differences), exact for pure data movement and same-order arithmetic.</summary>
internal static class BackendCases
{
    private delegate void Operation(ITensorBackend backend, Tensor[] inputs, Tensor output);

    public static IEnumerable<SelfTestCase> All()
    {
        yield return Op("matmul", [[37, 70], [70, 53], [53]], [37, 53], (b, x, y) => b.MatMul(x[0], x[1], y, bias: x[2], alpha: 0.5f), 1e-5);
        yield return Op("matmul transposed", [[70, 37], [53, 70]], [37, 53], (b, x, y) => b.MatMul(x[0], x[1], y, transposeA: true, transposeB: true), 1e-5);
        yield return Op("linear", [[2, 33, 72], [96, 72], [96]], [2, 33, 96], (b, x, y) => b.Linear(x[0], x[1], x[2], y), 1e-5);
        yield return Op("batched matmul", [[2, 3, 17, 24], [2, 3, 19, 24]], [2, 3, 17, 19], (b, x, y) => b.BatchedMatMul(x[0], x[1], y, transposeB: true, alpha: 0.2f), 1e-5);
        yield return Op("softmax", [[33, 257]], [33, 257], (b, x, y) => b.Softmax(x[0], y), 1e-6);
        yield return Op("layer norm", [[33, 1152]], [33, 1152], (b, x, y) => b.LayerNorm(x[0], y), 1e-5);
        yield return Op("gelu (tanh)", [[4099]], [4099], (b, x, y) => b.Gelu(x[0], y), 1e-6);
        yield return Op("silu", [[4099]], [4099], (b, x, y) => b.Silu(x[0], y), 1e-6);
        yield return Op("add (broadcast)", [[5, 7, 96], [96]], [5, 7, 96], (b, x, y) => b.Add(x[0], x[1], y), 0);
        yield return Op("multiply (broadcast)", [[5, 7, 96], [7, 96]], [5, 7, 96], (b, x, y) => b.Multiply(x[0], x[1], y), 0);
        yield return Op("modulate", [[2, 17, 96], [2, 96], [2, 96]], [2, 17, 96], (b, x, y) => b.Modulate(x[0], x[1], x[2], y), 1e-6);
        yield return Op("gated residual", [[2, 17, 96], [2, 96], [2, 17, 96]], [2, 17, 96], (b, x, y) => b.GatedResidual(x[0], x[1], x[2], y), 1e-6);
        yield return Op("merge heads", [[2, 3, 17, 8]], [2, 17, 24], (b, x, y) => b.MergeHeads(x[0], y), 0);
        yield return Op("patchify", [[2, 4, 8, 6]], [2, 12, 16], (b, x, y) => b.Patchify(x[0], 2, y), 0);
        yield return Op("unpatchify", [[2, 12, 32]], [2, 8, 8, 6], (b, x, y) => b.Unpatchify(x[0], 2, y), 0);
        // Timesteps up to 999 turn a one-ulp difference between expf and MathF.Exp into ~1e-4 rad of phase.
        yield return Op("timestep embedding", [[5]], [5, 257], (b, x, y) => b.TimestepEmbedding(x[0], y), 5e-4, scale: 999f);
        yield return Op("transpose last two", [[3, 17, 29]], [3, 29, 17], (b, x, y) => b.TransposeLastTwo(x[0], y), 0);
        yield return Op("upsample nearest 2x", [[2, 3, 5, 7]], [2, 3, 10, 14], (b, x, y) => b.UpsampleNearest2x(x[0], y), 0);
        yield return Op("conv2d 3x3 + bias", [[2, 5, 9, 7], [6, 5, 3, 3], [6]], [2, 6, 9, 7], (b, x, y) => b.Conv2d(x[0], x[1], x[2], y), 1e-5);
        yield return Op("conv2d 1x1", [[1, 8, 4, 6], [3, 8, 1, 1]], [1, 3, 4, 6], (b, x, y) => b.Conv2d(x[0], x[1], null, y), 1e-5);
        yield return Op("group norm", [[2, 32, 9, 7], [32], [32]], [2, 32, 9, 7], (b, x, y) => b.GroupNorm(x[0], 8, x[1], x[2], y), 1e-5);
        yield return Op("guidance", [[4, 8, 5, 5]], [2, 8, 5, 5], (b, x, y) => b.ClassifierFreeGuidance(x[0], 3, 4f, y), 1e-6);
        yield return Op("abs max per row", [[33, 300]], [33], (b, x, y) => b.AbsMaxPerRow(x[0], y), 0);
        yield return Op("abs max per column", [[33, 300]], [300], (b, x, y) => b.AbsMaxPerColumn(x[0], y), 0);
        yield return Op("random normal", [], [1001], (b, _, y) => b.RandomNormal(y, seed: 7, stream: 3, mean: 1f, std: 2f), 1e-6);
        yield return Op("concat (axis 1)", [[2, 3, 5], [2, 4, 5], [2, 1, 5]], [2, 8, 5], (b, x, y) => b.Concat(x, 1, y), 0);
        yield return Op("copy", [[4099]], [4099], (b, x, y) => b.Copy(x[0], y), 0);
        yield return Op("fill", [], [1001], (b, _, y) => b.Fill(y, -0.375), 0);
        yield return new SelfTestCase("split (axis 2)", Split);
        yield return new SelfTestCase("in place, resident, then host-written", InPlaceChain);
        yield return new SelfTestCase("split heads", SplitHeads);
        yield return new SelfTestCase("embedding lookup", EmbeddingLookup);
        yield return new SelfTestCase("count non-finite", CountNonFinite);
        yield return new SelfTestCase("dit forward (2 blocks, cfg)", DitForward);
    }

    private static SelfTestCase Op(string name, int[][] inputs, int[] output, Operation run, double tolerance, float scale = 2f) =>
        new(name, context =>
        {
            var tensors = inputs.Select((shape, i) => Tensor.From(SelfTestCase.Values((int)new TensorShape(shape).ElementCount, (ulong)i, scale), shape)).ToArray();
            try
            {
                using var expected = Tensor.Empty(output);
                using var actual = Tensor.Empty(output);
                run(context.Cpu, tensors, expected);
                run(context.Cuda, tensors, actual);
                return SelfTestCase.Compare(name, expected.AsReadOnlySpan<float>(), actual.AsReadOnlySpan<float>(), tolerance);
            }
            finally
            {
                foreach (var tensor in tensors)
                    tensor.Dispose();
            }
        });

    /// <summary>Runs <paramref name="run"/> on the CPU backend, then on the CUDA backend, and compares what each returns.</summary>
    private static SelfTestResult BothSides(SelfTestContext context, string name, double tolerance, Func<ITensorBackend, float[]> run) =>
        SelfTestCase.Compare(name, run(context.Cpu), run(context.Cuda), tolerance);

    private static SelfTestResult Split(SelfTestContext context)
    {
        using var whole = Tensor.From(SelfTestCase.Values(3 * 4 * 9, 0), 3, 4, 9);
        return BothSides(context, "split (axis 2)", 0, backend =>
        {
            using Tensor a = Tensor.Empty(3, 4, 2), b = Tensor.Empty(3, 4, 7);
            backend.Split(whole, 2, [a, b]);
            return [.. a.AsReadOnlySpan<float>(), .. b.AsReadOnlySpan<float>()];
        });
    }

    /// <summary>Operations in place on one tensor that stays on the device, a read on the host in between, then a
    /// host write that the next device operation must see (the device copy is stale then).</summary>
    private static SelfTestResult InPlaceChain(SelfTestContext context) => BothSides(context, "in place, resident, then host-written", 1e-5, backend =>
    {
        using var x = Tensor.From(SelfTestCase.Values(9 * 130, 0), 9, 130);
        using var bias = Tensor.From(SelfTestCase.Values(130, 1), 130);
        using var y = Tensor.Empty(9, 130);
        backend.Gelu(x, x);
        backend.Softmax(x, x);
        backend.Add(x, bias, x);
        var peak = backend.AbsMax(x);
        x.AsSpan<float>()[5] = peak;
        backend.LayerNorm(x, y);
        return [.. y.AsReadOnlySpan<float>(), .. x.AsReadOnlySpan<float>()];
    });

    private static SelfTestResult SplitHeads(SelfTestContext context)
    {
        using var qkv = Tensor.From(SelfTestCase.Values(2 * 17 * 72, 0), 2, 17, 72);
        return BothSides(context, "split heads", 0, backend =>
        {
            using Tensor q = Tensor.Empty(2, 3, 17, 8), k = Tensor.Empty(2, 3, 17, 8), v = Tensor.Empty(2, 3, 17, 8);
            backend.SplitHeads(qkv, q, k, v);
            return [.. q.AsReadOnlySpan<float>(), .. k.AsReadOnlySpan<float>(), .. v.AsReadOnlySpan<float>()];
        });
    }

    private static SelfTestResult EmbeddingLookup(SelfTestContext context)
    {
        using var table = Tensor.From(SelfTestCase.Values(11 * 40, 0), 11, 40);
        using var ids = Tensor.From(new[] { 3, 0, 10, 3, 7 }, 5);
        return BothSides(context, "embedding lookup", 0, backend =>
        {
            using var output = Tensor.Empty(5, 40);
            backend.EmbeddingLookup(table, ids, output);
            return output.ToArray<float>();
        });
    }

    /// <summary>NaN, ±∞ and the largest finite values planted in a tensor larger than one grid of the kernel (so its
    /// grid-stride loop wraps) and in a short one; the device must count exactly what was planted.</summary>
    private static SelfTestResult CountNonFinite(SelfTestContext context)
    {
        var many = SelfTestCase.Values(1_000_003, 0);
        (many[0], many[7], many[500_000], many[^1]) = (float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.NaN);
        (many[1], many[2]) = (float.MaxValue, -float.MaxValue);
        var few = SelfTestCase.Values(37, 1);
        few[36] = float.NegativeInfinity;
        using var a = Tensor.From(many, many.Length);
        using var b = Tensor.From(few, few.Length);
        var (large, small) = (context.Cuda.CountNonFinite(a), context.Cuda.CountNonFinite(b));
        return new SelfTestResult("count non-finite", (large, small) == (4, 1), (large, small) == (4, 1) ? 0 : 1, 0,
            $"{large} of 4 and {small} of 1 planted NaN/±∞ counted");
    }

    /// <summary>A whole DiT forward with classifier-free guidance on seeded synthetic weights: every operation
    /// in the order the model uses them.</summary>
    private static SelfTestResult DitForward(SelfTestContext context) => BothSides(context, "dit forward (2 blocks, cfg)", 1e-4, backend =>
    {
        var model = new ModelSpec("custom", Depth: 2, Hidden: 64, Heads: 4, PatchSize: 2, LatentSize: 8, NumClasses: 10);
        using var weights = DitWeights.Synthetic(model, backend, seed: 11);
        using var dit = new DitModel(weights, backend);
        using var x = Tensor.From(SelfTestCase.Values(2 * 4 * 8 * 8, 1), 2, 4, 8, 8);
        using var t = Tensor.From(new[] { 10f, 700f }, 2);
        using var labels = Tensor.From(new[] { 3, 7 }, 2);
        using var output = Tensor.Empty(2, 8, 8, 8);
        dit.ForwardWithCfg(x, t, labels, 1.5f, output);
        return output.ToArray<float>();
    });
}
