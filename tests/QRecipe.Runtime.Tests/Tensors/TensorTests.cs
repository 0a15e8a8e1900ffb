using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void Storage_is_64_byte_aligned_and_row_major()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new TensorShape(2, 3), t.Shape);
        Assert.Equal(0, t.Address % NativeMemoryPool.Alignment);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void Views_share_storage_without_copying()
    {
        using var t = Tensor.From(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 3, 4);
        using var reshaped = t.Reshape(2, -1);
        using var rows = t.Slice(1, 2);
        using var row = t.Select(2);
        Assert.Equal(new TensorShape(2, 6), reshaped.Shape);
        Assert.Equal(new TensorShape(2, 4), rows.Shape);
        Assert.Equal(new float[] { 4, 5, 6, 7, 8, 9, 10, 11 }, rows.ToArray<float>());
        Assert.Equal(new float[] { 8, 9, 10, 11 }, row.ToArray<float>());

        row.AsSpan<float>()[0] = 100;
        Assert.Equal(100, t.AsSpan<float>()[8]);
        Assert.Equal(100, reshaped.AsSpan<float>()[8]);
        Assert.Equal(t.Address + 4 * 4, rows.Address);
    }

    [Fact]
    public void A_view_keeps_the_storage_alive_after_its_base_is_disposed()
    {
        var t = Tensor.From(new float[] { 1, 2, 3, 4 }, 4);
        var view = t.Slice(2, 2);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.AsSpan<float>());
        Assert.Equal(new float[] { 3, 4 }, view.ToArray<float>());
        view.Dispose();
        Assert.Throws<ObjectDisposedException>(() => view.ToArray<float>());
    }

    [Fact]
    public void Released_blocks_are_reused_by_the_pool()
    {
        var pool = new NativeMemoryPool(1 << 20);
        var first = Tensor.Empty(new TensorShape(100, 3), DataType.Float32, pool);
        var address = first.Address;
        first.Dispose();
        Assert.Equal(1216, pool.RetainedBytes);
        using var second = Tensor.Empty(new TensorShape(300), DataType.Float32, pool);
        Assert.Equal(address, second.Address);
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Integer_tensors_have_their_own_element_sizes()
    {
        using var bytes = Tensor.From(new sbyte[] { -128, 0, 127 }, 3);
        using var shorts = Tensor.Empty(new TensorShape(2, 2), DataType.Int16);
        using var ints = Tensor.From(new[] { 1, -2 }, 2);
        Assert.Equal(DataType.Int8, bytes.DataType);
        Assert.Equal(new sbyte[] { -128, 0, 127 }, bytes.ToArray<sbyte>());
        Assert.Equal(4, shorts.AsSpan<short>().Length);
        Assert.Equal(new[] { 1, -2 }, ints.ToArray<int>());
        var error = Assert.Throws<InvalidOperationException>(() => ints.AsSpan<float>());
        Assert.Contains("int32", error.Message);
    }

    [Fact]
    public void Reshape_to_a_different_element_count_names_both_shapes()
    {
        using var t = Tensor.Empty(2, 3);
        var error = Assert.Throws<ShapeMismatchException>(() => t.Reshape(4, 2));
        Assert.Contains("Reshape", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[4, 2]", error.Message);
    }

    [Fact]
    public void Out_of_memory_reports_the_requested_size()
    {
        var error = Assert.Throws<OutOfMemoryException>(() => Tensor.Empty(1 << 20, 1 << 20, 1 << 10));
        Assert.Contains("[1048576, 1048576, 1024]", error.Message);
        Assert.Contains("4503599627370496 bytes", error.Message);
    }
}
