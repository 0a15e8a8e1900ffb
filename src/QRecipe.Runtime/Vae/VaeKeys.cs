using System.Collections.Generic;

namespace QRecipe.Runtime.Vae;

/// <summary>The decoder's keys and shapes in diffusers' AutoencoderKL layout, derived from a configuration.</summary>
public static class VaeKeys
{
    public const string PostQuantConv = "post_quant_conv";
    public const string ConvIn = "decoder.conv_in";
    public const string MidBlock = "decoder.mid_block.";
    public const string Attention = MidBlock + "attentions.0.";
    public const string NormOut = "decoder.conv_norm_out";
    public const string ConvOut = "decoder.conv_out";

    public static string MidResnet(int index) => $"{MidBlock}resnets.{index}.";

    public static string UpResnet(int block, int index) => $"decoder.up_blocks.{block}.resnets.{index}.";

    public static string Upsampler(int block) => $"decoder.up_blocks.{block}.upsamplers.0.conv";

    /// <summary>In-channels of resnet <paramref name="index"/> of up block <paramref name="block"/>: the previous
    /// level's channels for the first resnet, the block's own afterwards.</summary>
    public static int UpResnetInput(VaeConfig config, int block, int index) =>
        index > 0 ? config.UpBlockChannels(block) : block == 0 ? config.MidChannels : config.UpBlockChannels(block - 1);

    /// <summary>Every decoder key with its shape, in forward order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(VaeConfig config)
    {
        var keys = new List<(string, int[])>();
        void Conv(string name, int output, int input, int kernel)
        {
            keys.Add((name + ".weight", [output, input, kernel, kernel]));
            keys.Add((name + ".bias", [output]));
        }
        void Pair(string name, params int[] shape)
        {
            keys.Add((name + ".weight", shape));
            keys.Add((name + ".bias", [shape[0]]));
        }
        void Resnet(string prefix, int input, int output)
        {
            Pair(prefix + "norm1", input);
            Conv(prefix + "conv1", output, input, 3);
            Pair(prefix + "norm2", output);
            Conv(prefix + "conv2", output, output, 3);
            if (input != output)
                Conv(prefix + "conv_shortcut", output, input, 1);
        }

        int latent = config.LatentChannels, mid = config.MidChannels;
        Conv(PostQuantConv, latent, latent, 1);
        Conv(ConvIn, mid, latent, 3);
        Resnet(MidResnet(0), mid, mid);
        Pair(Attention + "group_norm", mid);
        foreach (var projection in AttentionProjections)
            Pair(Attention + projection, mid, mid);
        Resnet(MidResnet(1), mid, mid);
        for (var block = 0; block < config.Levels; block++)
        {
            var channels = config.UpBlockChannels(block);
            for (var index = 0; index < config.ResnetsPerUpBlock; index++)
                Resnet(UpResnet(block, index), UpResnetInput(config, block, index), channels);
            if (block < config.Levels - 1)
                Conv(Upsampler(block), channels, channels, 3);
        }
        Pair(NormOut, config.BlockOutChannels[0]);
        Conv(ConvOut, config.OutChannels, config.BlockOutChannels[0], 3);
        return keys;
    }

    /// <summary>The mid-block attention's linear layers (query, key, value, output), current diffusers names.</summary>
    public static readonly string[] AttentionProjections = ["to_q", "to_k", "to_v", "to_out.0"];

    /// <summary>The names older diffusers releases saved (the published sd-vae-ft-* files use them), in the same order.</summary>
    public static readonly string[] DeprecatedAttentionProjections = ["query", "key", "value", "proj_attn"];
}
