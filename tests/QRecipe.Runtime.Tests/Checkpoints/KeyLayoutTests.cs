using System.Linq;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

public sealed class KeyLayoutTests
{
    [Fact]
    public void Diffusers_names_map_onto_the_dit_layout()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_diffusers.safetensors"));
        CheckpointData.AssertMatches("dit_tiny_diffusers.safetensors", checkpoint.Tensors);

        Assert.Equal(DitLayout.Diffusers, KeyLayout.Detect(checkpoint.Tensors));
        var dit = KeyLayout.ToDit(checkpoint.Path, checkpoint.Tensors);

        Assert.Equal(DitLayout.Original, KeyLayout.Detect(dit));
        Assert.Equal([96, 32], dit["blocks.1.attn.qkv.weight"].Shape);
        CheckpointData.AssertMatches("dit_tiny_diffusers.safetensors:dit", dit);
    }

    [Fact]
    public void Fused_qkv_is_q_then_k_then_v()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_diffusers.safetensors"));
        var dit = KeyLayout.ToDit(checkpoint.Path, checkpoint.Tensors);

        var qkv = dit["blocks.0.attn.qkv.bias"].ToArray();
        var q = checkpoint.Tensors["transformer_blocks.0.attn1.to_q.bias"].ToArray();
        var k = checkpoint.Tensors["transformer_blocks.0.attn1.to_k.bias"].ToArray();
        var v = checkpoint.Tensors["transformer_blocks.0.attn1.to_v.bias"].ToArray();
        Assert.Equal(q.Concat(k).Concat(v), qkv);
    }

    [Fact]
    public void Original_layout_is_left_alone()
    {
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32.pt"));

        Assert.Equal(DitLayout.Original, KeyLayout.Detect(checkpoint.Tensors));
        Assert.Same(checkpoint.Tensors, KeyLayout.ToDit(checkpoint.Path, checkpoint.Tensors));
    }

    [Fact]
    public void A_missing_projection_leaves_the_parts_to_the_validator()
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, """
            {"transformer_blocks.0.attn1.to_q.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "transformer_blocks.0.attn1.to_k.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},
             "transformer_blocks.0.attn1.extra.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}
            """, 24);
        using var checkpoint = Checkpoint.Open(file.Path);

        var dit = KeyLayout.ToDit(checkpoint.Path, checkpoint.Tensors);

        Assert.Equal(
            ["transformer_blocks.0.attn1.extra.bias", "transformer_blocks.0.attn1.to_k.bias", "transformer_blocks.0.attn1.to_q.bias"],
            dit.Select(t => t.Name).Order());
    }

    [Fact]
    public void Projections_that_cannot_be_joined_are_reported()
    {
        using var file = new TempFile(".safetensors");
        SafetensorsFileWriter.Write(file.Path, """
            {"transformer_blocks.0.attn1.to_q.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},
             "transformer_blocks.0.attn1.to_k.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},
             "transformer_blocks.0.attn1.to_v.weight":{"dtype":"F32","shape":[2,1],"data_offsets":[32,40]}}
            """, 40);
        using var checkpoint = Checkpoint.Open(file.Path);

        var error = Assert.Throws<CheckpointException>(() => KeyLayout.ToDit(checkpoint.Path, checkpoint.Tensors));

        Assert.Contains("into 'blocks.0.attn.qkv.weight'", error.Message);
        Assert.Contains("transformer_blocks.0.attn1.to_v.weight Float32 [2, 1]", error.Message);
    }
}
