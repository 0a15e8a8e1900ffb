using System.Linq;
using QRecipe.Plan;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

public sealed class StateDictValidatorTests
{
    [Theory]
    [InlineData("dit_tiny_f32.pt")]
    [InlineData("dit_tiny_bf16.pt")]
    [InlineData("dit_tiny.safetensors")]
    [InlineData("dit_tiny_diffusers.safetensors")]
    public void The_tiny_checkpoints_fit_the_tiny_model(string file)
    {
        using var checkpoint = Checkpoint.OpenDit(CheckpointData.PathOf(file), CheckpointData.TinyDit);

        Assert.Equal(DitKeys.Expected(CheckpointData.TinyDit).Count - (file.Contains("diffusers") ? 1 : 0), checkpoint.Tensors.Count);
        Assert.True(StateDictValidator.Validate(checkpoint.Tensors, CheckpointData.TinyDit).IsValid);
    }

    [Fact]
    public void Expected_keys_match_the_dit_xl_2_table()
    {
        var xl = new ModelSpec("DiT-XL/2", 28, 1152, 16, 2, 32, 1000);

        var keys = DitKeys.Expected(xl);

        Assert.Equal(292, keys.Count);
        Assert.Equal(675_129_632L, keys.Sum(k => k.Shape.Aggregate(1L, (p, d) => p * d)));
        Assert.Equal([3456, 1152], keys.Single(k => k.Name == "blocks.27.attn.qkv.weight").Shape);
        Assert.Equal([32, 1152], keys.Single(k => k.Name == "final_layer.linear.weight").Shape);
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        // One block deeper, no learned sigma and 12 classes: missing block 2, wrong final layer and label table.
        var other = CheckpointData.TinyDit with { Depth = 3, LearnSigma = false, NumClasses = 12 };
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32.pt"));

        var report = StateDictValidator.Validate(checkpoint.Tensors, other);

        Assert.Equal(10, report.Missing.Count);
        Assert.All(report.Missing, m => Assert.StartsWith("blocks.2.", m.Name));
        Assert.Empty(report.Unexpected);
        Assert.Equal(
            ["y_embedder.embedding_table.weight", "final_layer.linear.weight", "final_layer.linear.bias"],
            report.Mismatches.Select(m => m.Name));
        var error = Assert.Throws<CheckpointException>(() => report.ThrowIfInvalid(checkpoint.Path, other));
        Assert.Contains("blocks.2.mlp.fc1.weight (expected [128, 32])", error.Message);
        Assert.Contains("y_embedder.embedding_table.weight: expected [13, 32], found [11, 32]", error.Message);
        Assert.Contains("final_layer.linear.weight: expected [16, 32], found [32, 32]", error.Message);
    }

    [Fact]
    public void Reports_unexpected_keys_and_opens_nothing_that_does_not_fit()
    {
        var shallower = CheckpointData.TinyDit with { Depth = 1 };

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.OpenDit(CheckpointData.PathOf("dit_tiny_f32.pt"), shallower));

        Assert.Contains("10 unexpected key(s):", error.Message);
        Assert.Contains("blocks.1.adaLN_modulation.1.weight [192, 32]", error.Message);
        Assert.DoesNotContain("missing", error.Message);
    }

    [Fact]
    public void Pos_embed_may_be_absent_but_not_misshapen()
    {
        var wider = CheckpointData.TinyDit with { LatentSize = 16 };
        using var checkpoint = Checkpoint.Open(CheckpointData.PathOf("dit_tiny_f32.pt"));

        var report = StateDictValidator.Validate(checkpoint.Tensors, wider);

        Assert.Equal("pos_embed", Assert.Single(report.Mismatches).Name);
    }
}
