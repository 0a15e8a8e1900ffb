using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tests.Vae;
using QRecipe.Runtime.Vae;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>
/// Weights are refused at load when any value is NaN or infinite, in both formats and both key layouts, with one
/// message naming the file, the tensor (and the tensor of the file that holds the value, after a layout mapping),
/// the first bad element and how many there are. The files are the committed tiny checkpoints with values planted.
/// </summary>
public sealed class NonFiniteWeightsTests
{
    /// <summary>A copy of a committed safetensors file with element <paramref name="element"/> of tensor
    /// <paramref name="name"/> set to <paramref name="value"/>, encoded in the tensor's stored dtype.</summary>
    private static TempFile Planted(string file, string name, int element, float value)
    {
        var copy = new TempFile(".safetensors");
        var bytes = File.ReadAllBytes(file);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var entry = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength)).RootElement.GetProperty(name);
        var start = 8 + headerLength + entry.GetProperty("data_offsets")[0].GetInt32();
        switch (entry.GetProperty("dtype").GetString())
        {
            case "F32":
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(start + 4 * element), value);
                break;
            case "F16":
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(start + 2 * element), (Half)value);
                break;
            default:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(start + 2 * element), (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16));
                break;
        }
        File.WriteAllBytes(copy.Path, bytes);
        return copy;
    }

    private static string LoadError(string path) =>
        Assert.Throws<CheckpointException>(() => DitWeights.Load(path, CheckpointData.TinyDit, CpuBackend.Instance)).Message;

    [Fact]
    public void An_infinite_weight_in_a_safetensors_file_is_refused_with_tensor_position_and_file()
    {
        // final_layer.linear.weight is [32, 32] float32 in this file; element 3·32 + 5 is [3, 5].
        using var file = Planted(CheckpointData.PathOf("dit_tiny.safetensors"), "final_layer.linear.weight", 3 * 32 + 5, float.PositiveInfinity);
        Assert.Equal($"{file.Path}: 1 of the 1024 values of tensor 'final_layer.linear.weight' are NaN or infinite, the first +Inf at [3, 5]; "
            + "the weights must be finite", LoadError(file.Path));
    }

    [Theory]
    [InlineData("x_embedder.proj.bias", 7, "[7]")] // float16 in this file
    [InlineData("y_embedder.embedding_table.weight", 2 * 32 + 1, "[2, 1]")] // bfloat16
    public void Half_precision_tensors_are_checked_after_widening(string name, int element, string position)
    {
        using var file = Planted(CheckpointData.PathOf("dit_tiny.safetensors"), name, element, float.NegativeInfinity);
        Assert.Contains($"values of tensor '{name}' are NaN or infinite, the first -Inf at {position};", LoadError(file.Path));
    }

    [Fact]
    public void A_pt_file_is_checked_the_same_way()
    {
        using var source = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32.pt"));
        var writer = new TorchFileWriter();
        foreach (var tensor in source.Tensors)
        {
            var values = tensor.ToArray();
            if (tensor.Name == "blocks.1.mlp.fc2.bias")
                values[4] = values[9] = float.NaN;
            writer.Contiguous(tensor.Name, values, tensor.Shape.Select(d => (long)d).ToArray());
        }
        using var file = new TempFile(".pt");
        writer.Write(file.Path);
        Assert.Equal($"{file.Path}: 2 of the 32 values of tensor 'blocks.1.mlp.fc2.bias' are NaN or infinite, the first NaN at [4]; the weights must be finite",
            LoadError(file.Path));
    }

    [Fact]
    public void Diffusers_names_are_given_with_the_dit_name()
    {
        // proj_out_2 is final_layer.linear; to_q, to_k, to_v [32, 32] each are joined into qkv [96, 32], so to_k's
        // element [2, 7] is the fused tensor's element (32 + 2)·32 + 7.
        using (var final = Planted(CheckpointData.PathOf("dit_tiny_diffusers.safetensors"), "proj_out_2.weight", 0, float.PositiveInfinity))
        {
            Assert.Equal($"{final.Path}: 1 of the 1024 values of tensor 'final_layer.linear.weight' are NaN or infinite, "
                + "the first +Inf at [0, 0] of 'proj_out_2.weight'; the weights must be finite", LoadError(final.Path));
        }
        using var key = Planted(CheckpointData.PathOf("dit_tiny_diffusers.safetensors"), "transformer_blocks.1.attn1.to_k.weight", 2 * 32 + 7, float.NaN);
        Assert.Equal($"{key.Path}: 1 of the 3072 values of tensor 'blocks.1.attn.qkv.weight' are NaN or infinite, "
            + "the first NaN at [2, 7] of 'transformer_blocks.1.attn1.to_k.weight'; the weights must be finite", LoadError(key.Path));
    }

    [Fact]
    public void The_unchanged_files_load()
    {
        foreach (var name in new[] { "dit_tiny.safetensors", "dit_tiny_diffusers.safetensors", "dit_tiny_f32.pt", "dit_tiny_bf16.pt" })
        {
            using var weights = DitWeights.Load(CheckpointData.PathOf(name), CheckpointData.TinyDit, CpuBackend.Instance);
            Assert.Equal(2, weights.Blocks.Count);
        }
    }

    [Fact]
    public void A_vae_weight_is_checked_too()
    {
        using var files = new VaeTestFiles();
        var path = files.Write(tensors => tensors.Select(t => t.Name == "decoder.conv_in.bias" ? (t.Name, t.Shape, t.Values.Select((v, i) => i == 5 ? float.NaN : v).ToArray()) : t));
        var error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(path)).Message;
        Assert.Matches($"^{Regex.Escape(path)}: 1 of the [0-9]+ values of tensor 'decoder.conv_in.bias' are NaN or infinite, the first NaN at \\[5\\]; the weights must be finite$", error);
    }
}
