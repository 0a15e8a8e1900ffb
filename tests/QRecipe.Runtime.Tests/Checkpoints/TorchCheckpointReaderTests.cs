using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

public sealed class TorchCheckpointReaderTests
{
    [Theory]
    [InlineData("dit_tiny_f32.pt", CheckpointDType.Float32)]
    [InlineData("dit_tiny_f16.pt", CheckpointDType.Float16)]
    [InlineData("dit_tiny_bf16.pt", CheckpointDType.BFloat16)]
    public void Reads_state_dicts_saved_by_torch(string file, CheckpointDType dtype)
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf(file));

        Assert.Equal(CheckpointFormat.TorchZip, checkpoint.Format);
        Assert.All(checkpoint.Tensors, t => Assert.Equal(dtype, t.DType));
        Assert.Equal(CheckpointData.ExpectedKeys(file), checkpoint.Tensors.Select(t => t.Name));
        CheckpointData.AssertMatches(file, checkpoint.Tensors);
    }

    [Fact]
    public void Reads_strided_views_storage_offsets_and_scalars()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("views.pt"));

        Assert.Equal([5, 6], checkpoint.Tensors["transposed"].Shape);
        Assert.Equal([4, 3, 2], checkpoint.Tensors["permuted"].Shape);
        Assert.Empty(checkpoint.Tensors["scalar"].Shape);
        CheckpointData.AssertMatches("views.pt", checkpoint.Tensors);
    }

    [Fact]
    public void Swaps_bytes_when_the_byteorder_entry_says_big()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32_bigendian.pt"));

        CheckpointData.AssertMatches("dit_tiny_f32_bigendian.pt", checkpoint.Tensors);
    }

    [Fact]
    public void Copies_into_a_caller_buffer_and_refuses_a_buffer_of_the_wrong_size()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("views.pt"));
        var column = checkpoint.Tensors["column"];
        var buffer = new float[8];

        column.CopyTo(buffer.AsSpan(1, 6));

        Assert.Equal(checkpoint.Tensors["transposed"].ToArray().Skip(18).Take(6), buffer.Skip(1).Take(6));
        Assert.Equal(0f, buffer[0]);
        Assert.Equal(0f, buffer[7]);
        Assert.Throws<ArgumentException>(() => column.CopyTo(buffer));
    }

    [Fact]
    public void Views_of_one_storage_read_the_same_bytes()
    {
        using var file = new TempFile(".pt");
        var values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        new TorchFileWriter()
            .Storage("0", values)
            .Tensor("matrix", "0", 12, 0, [3, 4], [4, 1])
            .Tensor("tail_columns", "0", 12, 1, [3, 2], [4, 2])
            .Tensor("broadcast", "0", 12, 5, [2, 3], [0, 1])
            .Write(file.Path);

        using var checkpoint = Checkpoint.Open(file.Path);

        Assert.Equal(values, checkpoint.Tensors["matrix"].ToArray());
        Assert.Equal([1f, 3, 5, 7, 9, 11], checkpoint.Tensors["tail_columns"].ToArray());
        Assert.Equal([5f, 6, 7, 5, 6, 7], checkpoint.Tensors["broadcast"].ToArray());
    }

    [Fact]
    public void Rejects_a_view_that_reaches_past_its_storage()
    {
        using var file = new TempFile(".pt");
        new TorchFileWriter()
            .Storage("0", new float[12])
            .Tensor("too_far", "0", 12, 4, [3, 4], [4, 1])
            .Write(file.Path);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Equal(file.Path, error.File);
        Assert.Contains("'too_far'", error.Message);
        Assert.Contains("reaches element 15 of a storage with 12 elements", error.Message);
    }

    [Fact]
    public void Rejects_a_storage_entry_shorter_than_its_element_count()
    {
        using var file = new TempFile(".pt");
        new TorchFileWriter()
            .Storage("0", new float[3])
            .Tensor("short", "0", 12, 0, [12], [1])
            .Write(file.Path);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("storage '0' of tensor 'short' declares 12 elements (48 bytes) but its entry has 12 bytes", error.Message);
    }

    [Fact]
    public void Rejects_a_missing_storage_entry_and_unsupported_storage_types()
    {
        using var missing = new TempFile(".pt");
        new TorchFileWriter().Tensor("w", "7", 4, 0, [4], [1]).Write(missing.Path);
        using var integers = new TempFile(".pt");
        new TorchFileWriter().Storage("0", new float[4]).Tensor("steps", "0", 2, 0, [2], [1], "LongStorage").Write(integers.Path);

        Assert.Contains("refers to storage '7', but the zip has no entry 'archive/data/7'",
            Assert.Throws<CheckpointException>(() => Checkpoint.Open(missing.Path)).Message);
        Assert.Contains("tensor 'steps' is stored as torch.LongStorage; only float32, float16 and bfloat16 tensors are supported",
            Assert.Throws<CheckpointException>(() => Checkpoint.Open(integers.Path)).Message);
    }

    [Fact]
    public void Rejects_the_legacy_format_with_advice()
    {
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(CheckpointData.PathOf("legacy.pt")));

        Assert.Contains("legacy (pre-1.6, non-zip) PyTorch file", error.Message);
    }

    [Fact]
    public void Rejects_a_zip_that_is_not_a_torch_checkpoint()
    {
        using var file = new TempFile(".pt");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(file.Path), System.IO.Compression.ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("notes/readme.txt").Open()))
            writer.Write("hello hello hello hello");

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("compressed (method 8)", error.Message);
    }

    [Fact]
    public void Rejects_a_training_checkpoint_that_wraps_the_state_dict()
    {
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}']);
        TorchFileWriter.Unicode(pickle, "epoch");
        pickle.Write([(byte)'K', 3, (byte)'s', (byte)'.']);
        using var file = new TempFile(".pt");
        TorchFileWriter.WriteZip(file.Path, pickle.ToArray());

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("the value of 'epoch' is 3, not a tensor", error.Message);
    }

    [Fact]
    public void Disposed_checkpoints_refuse_to_copy()
    {
        var checkpoint = Checkpoint.Open(CheckpointData.PathOf("views.pt"));
        var entry = checkpoint.Tensors["transposed"];
        checkpoint.Dispose();

        Assert.Throws<ObjectDisposedException>(() => entry.ToArray());
    }

    [Fact]
    public void Follows_the_zip64_end_record_when_the_classic_one_is_saturated()
    {
        // torch.save writes a ZIP64 end record beside the classic one; files over 4 GB saturate the classic
        // fields, which is simulated here on the committed file.
        var bytes = File.ReadAllBytes(CheckpointData.PathOf("dit_tiny_f32.pt"));
        int end = bytes.Length - 22;
        Assert.Equal(0x06054b50u, BitConverter.ToUInt32(bytes, end));
        bytes.AsSpan(end + 8, 12).Fill(0xff);
        using var file = new TempFile(".pt");
        File.WriteAllBytes(file.Path, bytes);

        using var checkpoint = Checkpoint.Open(file.Path);

        CheckpointData.AssertMatches("dit_tiny_f32.pt", checkpoint.Tensors);
    }

    [Fact]
    public void Swaps_half_and_bfloat16_storages_of_big_endian_files()
    {
        // 1.0, -2.5 and 65504 (the largest half) as float16; 1.0, -2.5 and 3.140625 as bfloat16; most significant byte first.
        byte[] halves = [0x3c, 0x00, 0xc1, 0x00, 0x7b, 0xff];
        byte[] bfloats = [0x3f, 0x80, 0xc0, 0x20, 0x40, 0x49];
        using var file = new TempFile(".pt");
        new TorchFileWriter()
            .ByteOrder("big")
            .Storage("0", s => s.Write(halves)).Tensor("h", "0", 3, 0, [3], [1], "HalfStorage")
            .Storage("1", s => s.Write(bfloats)).Tensor("b", "1", 3, 0, [3], [1], "BFloat16Storage")
            .Write(file.Path);

        using var checkpoint = Checkpoint.Open(file.Path);

        Assert.Equal([1f, -2.5f, 65504f], checkpoint.Tensors["h"].ToArray());
        Assert.Equal([1f, -2.5f, 3.140625f], checkpoint.Tensors["b"].ToArray());
    }

    [Fact]
    public void Rejects_an_unknown_byte_order()
    {
        using var file = new TempFile(".pt");
        new TorchFileWriter().ByteOrder("middle").Write(file.Path);

        Assert.Contains("the byteorder entry says 'middle'; expected 'little' or 'big'",
            Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path)).Message);
    }
}
