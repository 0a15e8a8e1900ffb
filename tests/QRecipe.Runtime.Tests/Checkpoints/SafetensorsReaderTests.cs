using System.Linq;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

public sealed class SafetensorsReaderTests
{
    [Fact]
    public void Reads_float32_float16_and_bfloat16_tensors()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny.safetensors"));

        Assert.Equal(CheckpointFormat.Safetensors, checkpoint.Format);
        Assert.Equal(CheckpointDType.Float32, checkpoint.Tensors["blocks.0.attn.qkv.weight"].DType);
        Assert.Equal(CheckpointDType.Float16, checkpoint.Tensors["blocks.0.attn.qkv.bias"].DType);
        Assert.Equal(CheckpointDType.BFloat16, checkpoint.Tensors["pos_embed"].DType);
        CheckpointData.AssertMatches("dit_tiny.safetensors", checkpoint.Tensors);
    }

    [Fact]
    public void Torch_and_safetensors_files_of_one_model_agree()
    {
        using var torch = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32.pt"));
        using var safetensors = Checkpoint.Open(CheckpointData.PathOf("dit_tiny.safetensors"));

        var weight = "blocks.1.mlp.fc2.weight";
        Assert.Equal(CheckpointDType.Float32, safetensors.Tensors[weight].DType);
        Assert.Equal(torch.Tensors[weight].ToArray(), safetensors.Tensors[weight].ToArray());
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12,
        "tensors 'a' [0, 8] and 'b' [4, 12] overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8,
        "tensor 'a' has data_offsets [0, 16] but the data section has only 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8,
        "entry 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8")]
    [InlineData("""{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", 8, "entry 'a': unknown dtype 'Q4'")]
    [InlineData("""{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", 8, "dtype F64 is not supported (only F32, F16 and BF16)")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}""", 8, "entry 'a': shape must be an array of whole numbers in 0..2147483647, got [-1]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "entry 'a': data_offsets must be two whole numbers [begin, end] with begin <= end, got [8,0]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]""", 8, "the safetensors header is not valid JSON")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"\udc00":{}}""", 8, "the safetensors header is not valid JSON")]
    public void Reports_header_errors(string header, int dataBytes, string message)
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, header, dataBytes);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Equal(file.Path, error.File);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Reports_a_header_length_longer_than_the_file()
    {
        using var file = new TempFile(".safetensors");
        System.IO.File.WriteAllBytes(file.Path, [.. System.BitConverter.GetBytes(5000UL), .. "{\"a\":1}"u8.ToArray()]);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(file.Path));

        Assert.Contains("header length is 5000 bytes but the file has only 7 bytes after it", error.Message);
    }

    [Fact]
    public void Empty_tensors_and_metadata_are_accepted()
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path,
            """{"__metadata__":{"format":"pt"},"empty":{"dtype":"F16","shape":[0,3],"data_offsets":[0,0]},"one":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}""", 2);

        using var checkpoint = Checkpoint.Open(file.Path);

        Assert.Equal(["empty", "one"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Empty(checkpoint.Tensors["empty"].ToArray());
        Assert.Equal([0f], checkpoint.Tensors["one"].ToArray());
    }
}
