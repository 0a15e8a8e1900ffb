using System;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>
/// A warmed-up SGEMM, batched attention product and row operation allocate no managed memory on any thread (the worker
/// pool hands out reusable jobs; packing buffers are per-thread native memory). Measured on the calling thread and
/// every worker (<see cref="CpuBackend.AllocatedManagedBytes"/>); the workers are shared, so the test runs alone.
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

        void Step()
        {
            backend.Linear(x, w, bias, y);
            backend.BatchedMatMul(q, q, scores, transposeB: true, alpha: 0.125f);
            backend.Softmax(scores, scores);
            backend.BatchedMatMul(scores, q, heads);
            backend.Gelu(y, y);
            backend.LayerNorm(y, y);
        }

        for (var i = 0; i < 3; i++)
            Step();
        var before = CpuBackend.AllocatedManagedBytes();
        for (var i = 0; i < 5; i++)
            Step();
        var allocated = CpuBackend.AllocatedManagedBytes() - before;
        Assert.Equal(0, allocated);
    }
}
