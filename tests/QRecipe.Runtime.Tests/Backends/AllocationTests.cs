using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// A warmed-up SGEMM, batched attention product and row operation allocate no managed memory on any thread (the worker
/// pool hands out reusable jobs; packing buffers are per-thread native memory), and neither do the layout, image and
/// reduction operations, argument checks included (they build no shape or message unless they fail). Measured on the
/// calling thread and every worker (<see cref="CpuBackend.AllocatedManagedBytes"/>); the workers are shared, so the
/// tests run alone.
/// </summary>
[Collection(SharedWorkersCollection.Name)]
public sealed class AllocationTests
{
    [Fact]
    public void Warmed_up_calls_allocate_no_managed_bytes()
    {
        var backend = CpuBackend.Instance;
        using var x = TestData.Uniform(1, 1f, 256, 1152);
        using var w = TestData.Uniform(2, 1f, 1152, 1152);
        using var bias = TestData.Uniform(3, 1f, 1152);
        using var y = Tensor.Empty(256, 1152);
        using var q = TestData.Uniform(4, 1f, 2, 16, 256, 72);
        using var scores = Tensor.Empty(2, 16, 256, 256);
        using var heads = Tensor.Empty(2, 16, 256, 72);
        using var qkv = TestData.Uniform(5, 1f, 2, 256, 3 * 1152);
        using var merged = Tensor.Empty(2, 256, 1152);

        void Step()
        {
            backend.TryFusedAttention(qkv, 16, 0.125f, merged);
            backend.Linear(x, w, bias, y);
            backend.BatchedMatMul(q, q, scores, transposeB: true, alpha: 0.125f);
            backend.Softmax(scores, scores);
            backend.BatchedMatMul(scores, q, heads);
            backend.Gelu(y, y);
            backend.LayerNorm(y, y);
        }

        Assert.Equal(0, AllocatedByWarmSteps(Step));
    }

    [Fact]
    public void Warmed_up_layout_image_and_reduction_calls_allocate_no_managed_bytes()
    {
        var backend = CpuBackend.Instance;
        using var qkv = TestData.Uniform(5, 1f, 2, 16, 3 * 4 * 8);
        using var q = Tensor.Empty(2, 4, 16, 8);
        using var k = Tensor.Empty(2, 4, 16, 8);
        using var v = Tensor.Empty(2, 4, 16, 8);
        using var merged = Tensor.Empty(2, 16, 32);
        using var perRow = Tensor.Empty(32);
        using var perColumn = Tensor.Empty(32);
        using var timesteps = Tensor.From(new[] { 1f, 500f }, 2);
        using var features = Tensor.Empty(2, 32);
        using var table = TestData.Uniform(6, 1f, 4, 32);
        using var labels = Tensor.From(new[] { 3, 0 }, 2);
        using var labelRows = Tensor.Empty(2, 32);
        using var latent = TestData.Uniform(7, 1f, 2, 4, 8, 8);
        using var patches = Tensor.Empty(2, 16, 16);
        using var image = Tensor.Empty(2, 4, 8, 8);
        using var weight = TestData.Uniform(8, 1f, 4, 4, 3, 3);
        using var affine = TestData.Uniform(9, 1f, 4);
        using var convolved = Tensor.Empty(2, 4, 8, 8);
        using var upsampled = Tensor.Empty(2, 4, 16, 16);
        using var tokens = Tensor.Empty(2, 4, 64);
        using var transposed = Tensor.Empty(2, 64, 4);
        using var guided = Tensor.Empty(1, 4, 8, 8);

        void Step()
        {
            backend.SplitHeads(qkv, q, k, v);
            backend.MergeHeads(q, merged);
            backend.AbsMaxPerRow(merged, perRow);
            backend.AbsMaxPerColumn(merged, perColumn);
            backend.TimestepEmbedding(timesteps, features);
            backend.EmbeddingLookup(table, labels, labelRows);
            backend.Patchify(latent, 2, patches);
            backend.Unpatchify(patches, 2, image);
            backend.Conv2d(image, weight, affine, convolved);
            backend.GroupNorm(convolved, 2, affine, affine, convolved);
            backend.UpsampleNearest2x(convolved, upsampled);
            backend.TransposeLastTwo(tokens, transposed);
            backend.ClassifierFreeGuidance(convolved, 3, 4f, guided);
        }

        Assert.Equal(0, AllocatedByWarmSteps(Step));
    }

    /// <summary>Managed bytes allocated by five calls of <paramref name="step"/> after three to warm it up.</summary>
    private static long AllocatedByWarmSteps(Action step)
    {
        for (var i = 0; i < 3; i++)
            step();
        var before = CpuBackend.AllocatedManagedBytes();
        for (var i = 0; i < 5; i++)
            step();
        return CpuBackend.AllocatedManagedBytes() - before;
    }
}
