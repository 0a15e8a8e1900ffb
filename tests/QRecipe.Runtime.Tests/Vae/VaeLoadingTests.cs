using System;
using System.IO;
using System.Linq;
using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Vae;

namespace QRecipe.Runtime.Tests.Vae;

/// <summary>Reading a diffusers AutoencoderKL file: configuration, older key names, the encoder half, and one-line
/// errors that name the file and the keys.</summary>
public sealed class VaeLoadingTests
{
    private static readonly CpuBackend Backend = CpuBackend.Instance;

    private static float[] Decode(string path)
    {
        using var decoder = VaeDecoder.Load(path, Backend);
        using var latents = Tensor.From(VaeTestFiles.Reference("latents"), 2, 4, 5, 6);
        using var images = Tensor.Empty(2, 3, 20, 24);
        decoder.Decode(latents, images);
        return images.ToArray<float>();
    }

    [Fact]
    public void The_configuration_comes_from_config_json()
    {
        using var weights = VaeWeights.Load(VaeTestFiles.TinyVae);
        Assert.Equal(new VaeConfig(4, [16, 24, 32], 2, 8, 3, 0.18215f), weights.Config);
        Assert.Equal(4, weights.Config.UpscaleFactor);
    }

    [Fact]
    public void Older_attention_names_and_the_encoder_half_are_accepted()
    {
        using var files = new VaeTestFiles();
        var path = files.Write(tensors =>
        {
            string[] current = ["to_q", "to_k", "to_v", "to_out.0"], older = ["query", "key", "value", "proj_attn"];
            var renamed = tensors.Select(t => (Name: Array.FindIndex(current, p => t.Name.StartsWith("decoder.mid_block.attentions.0." + p + ".", StringComparison.Ordinal)) is var i and >= 0
                ? t.Name.Replace(current[i], older[i], StringComparison.Ordinal) : t.Name, t.Shape, t.Values)).ToList();
            Assert.Contains(renamed, t => t.Name == "decoder.mid_block.attentions.0.proj_attn.weight");
            renamed.Add(("encoder.conv_in.weight", [8, 3, 3, 3], new float[216]));
            renamed.Add(("quant_conv.weight", [8, 8, 1, 1], new float[64]));
            return renamed;
        });
        Assert.Equal(Decode(VaeTestFiles.TinyVae), Decode(path));
    }

    [Fact]
    public void Without_config_json_the_shapes_give_the_architecture()
    {
        using var files = new VaeTestFiles();
        // 8 groups cannot be read off the shapes: Stable Diffusion's 32 is assumed, and 16 channels do not split into 32.
        var path = files.Write(t => t, withConfig: false);
        var error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(path));
        Assert.Equal($"{path}: VAE configuration latent 4, channels [16, 24, 32], 2 layers per block, 32 groups, 3 outputs, scale 0.18215: "
            + "16 channels do not split into 32 groups (without a config.json beside the file, 32 GroupNorm groups are assumed)", error.Message);
    }

    [Theory]
    [InlineData("\"latent_channels\": \"4\"", "$.latent_channels must be a whole number, got \"4\"")]
    [InlineData("\"norm_num_groups\": 8.5", "$.norm_num_groups must be a whole number, got 8.5")]
    [InlineData("\"block_out_channels\": 16", "$.block_out_channels must be an array of whole numbers, got 16")]
    [InlineData("\"block_out_channels\": [16, null, 32]", "$.block_out_channels[1] must be a whole number, got null")]
    [InlineData("\"scaling_factor\": \"0.18215\"", "$.scaling_factor must be a finite number, got \"0.18215\"")]
    public void A_wrongly_typed_config_field_is_named_by_its_JSON_path(string field, string message)
    {
        using var files = new VaeTestFiles();
        var path = files.Write(t => t);
        var config = Path.Combine(files.Folder, "config.json");
        File.WriteAllText(config, "{\"_class_name\": \"AutoencoderKL\", " + field + "}");

        var error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(path));

        Assert.Equal($"{config}: {message}", error.Message);
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_keys_are_reported_on_one_line()
    {
        using var files = new VaeTestFiles();
        var path = files.Write(tensors => tensors
            .Where(t => t.Name != "decoder.conv_out.bias" && t.Name != "decoder.up_blocks.1.resnets.2.norm1.weight")
            .Select(t => t.Name == "decoder.conv_in.bias" ? (t.Name, [31], t.Values[..31]) : t)
            .Append(("decoder.extra.weight", [2], new float[2])));
        var error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(path));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(path, error.File);
        Assert.Contains("not an AutoencoderKL decoder (latent 4, channels [16, 24, 32]", error.Message);
        Assert.Contains("2 missing (decoder.up_blocks.1.resnets.2.norm1.weight [24], decoder.conv_out.bias [3])", error.Message);
        Assert.Contains("1 unexpected (decoder.extra.weight [2])", error.Message);
        Assert.Contains("1 of the wrong shape (decoder.conv_in.bias: expected [32], found [31])", error.Message);
    }

    [Fact]
    public void A_file_without_decoder_keys_says_what_it_lacks()
    {
        using var files = new VaeTestFiles();
        var dit = files.Write(_ => [("blocks.0.attn.qkv.weight", [6, 2], new float[12])], withConfig: false);
        var error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(dit));
        Assert.Equal($"{dit}: not an AutoencoderKL decoder in the diffusers layout: there is no 'decoder.conv_in.weight'", error.Message);

        var ldm = files.Write(_ => [("decoder.conv_in.weight", [32, 4, 3, 3], new float[1152]), ("decoder.mid.attn_1.q.weight", [32, 32, 1, 1], new float[1024])], withConfig: false);
        error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(ldm));
        Assert.EndsWith("there are no 'decoder.up_blocks.N.resnets.M' keys (this looks like the original CompVis/LDM layout; convert it to diffusers' AutoencoderKL)", error.Message);

        var missing = Path.Combine(files.Folder, "absent.safetensors");
        error = Assert.Throws<CheckpointException>(() => VaeWeights.Load(missing));
        Assert.StartsWith($"{missing}: cannot open the file", error.Message);
    }

    [Fact]
    public void Sd_vae_decoder_has_the_published_parameter_count()
    {
        // AutoencoderKL of Stable Diffusion (sd-vae-ft-ema/-mse) has 83,653,863 parameters; the encoder and quant_conv
        // hold 34,163,664 of them, the decoder and post_quant_conv the other 49,490,199, in 140 tensors.
        var keys = VaeKeys.Expected(VaeConfig.SdVae);
        Assert.Equal(140, keys.Count);
        Assert.Equal(49_490_199L, keys.Sum(k => k.Shape.Aggregate(1L, (p, d) => p * d)));
        Assert.Contains(keys, k => k.Name == "decoder.up_blocks.3.resnets.0.conv_shortcut.weight" && k.Shape.SequenceEqual([128, 256, 1, 1]));
        Assert.DoesNotContain(keys, k => k.Name.StartsWith("decoder.up_blocks.3.upsamplers", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Name == "decoder.mid_block.attentions.0.to_out.0.weight" && k.Shape.SequenceEqual([512, 512]));
    }
}
