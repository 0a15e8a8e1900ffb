using System;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>Sizes a file declares are checked with checked arithmetic and against the bytes present: a product that
/// wraps around 2^64 must not turn a huge declaration into a small one that fits.</summary>
public sealed class OverflowTests
{
    private const long Huge = (1L << 62) + 1;

    private static CheckpointException Load(TorchFileWriter writer)
    {
        using var file = new TempFile(".pt");
        writer.Write(file.Path);
        return Assert.Throws<CheckpointException>(() =>
        {
            using var checkpoint = Checkpoint.Open(file.Path);
            checkpoint.Tensors.ToArrays();
        });
    }

    [Fact]
    public void A_storage_of_2_to_the_62_plus_1_elements_in_16_bytes_is_refused()
    {
        // (2^62 + 1) · 4 bytes wraps to 4, and a stride of 2^62 elements (2^64 bytes) to 0: every element would read
        // the first float.
        var error = Load(new TorchFileWriter()
            .Storage("0", new[] { 1f, 2f, 3f, 4f })
            .Tensor("w", "0", Huge, 0, [4], [1L << 62]));

        Assert.Contains($"storage '0' of tensor 'w' declares {Huge} elements, more bytes than 64-bit sizes can count; its entry has 16 bytes", error.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void A_storage_whose_declared_size_differs_from_its_entry_is_refused(long numel)
    {
        var error = Load(new TorchFileWriter().Storage("0", new[] { 1f, 2f, 3f, 4f }).Tensor("w", "0", numel, 0, [2], [1]));

        Assert.Contains($"storage '0' of tensor 'w' declares {numel} elements ({numel * 4} bytes) but its entry has 16 bytes", error.Message);
    }

    [Fact]
    public void A_view_whose_last_element_overflows_is_refused()
    {
        // 2 · 2^62 = 2^63 wraps to a negative element index, which looked like it lies inside the storage.
        var error = Load(new TorchFileWriter().Storage("0", new[] { 1f, 2f, 3f, 4f }).Tensor("w", "0", 4, 0, [3], [1L << 62]));

        Assert.Contains("tensor 'w' (size [3], offset 0, stride (4611686018427387904)) reaches beyond what 64-bit sizes can count", error.Message);
    }

    [Fact]
    public void A_broadcast_view_with_more_elements_than_an_array_holds_is_refused()
    {
        var error = Load(new TorchFileWriter().Storage("0", new[] { 1f }).Tensor("w", "0", 1, 0, [int.MaxValue, int.MaxValue], [0, 0]));

        Assert.Contains($"tensor 'w' (size [{int.MaxValue}, {int.MaxValue}], offset 0, stride (0, 0)) has {(long)int.MaxValue * int.MaxValue} elements; one tensor may have at most {Array.MaxLength}", error.Message);
    }

    [Fact]
    public void A_safetensors_shape_whose_product_wraps_to_zero_is_refused()
    {
        // 2^30 · 2^30 · 16 = 2^64 must be refused, not wrapped to 0, which would match the empty data_offsets [0, 0].
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1073741824,1073741824,16],\"data_offsets\":[0,0]}}", 0);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("safetensors header entry 'w': shape [1073741824, 1073741824, 16] is too large", error.Message);
    }
}
