using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Vae;

/// <summary>
/// The architecture of an AutoencoderKL decoder (diffusers' config names in brackets): latent channels
/// [latent_channels], the channel count of each resolution level from the finest to the coarsest
/// [block_out_channels], resnets per up block minus one [layers_per_block], GroupNorm groups [norm_num_groups],
/// image channels [out_channels] and the latent scale the diffusion model was trained with [scaling_factor].
/// The decoder has one up block per level, coarsest first; every up block but the last doubles the resolution, so
/// images are 2^(levels − 1) times the latent size.
/// </summary>
public sealed record VaeConfig(int LatentChannels, IReadOnlyList<int> BlockOutChannels, int LayersPerBlock, int NormGroups, int OutChannels, float ScalingFactor)
{
    /// <summary>stabilityai/sd-vae-ft-ema and sd-vae-ft-mse (the VAEs DiT samples with, docs/dit.md).</summary>
    public static VaeConfig SdVae { get; } = new(4, [128, 256, 512, 512], 2, 32, 3, 0.18215f);

    public int Levels => BlockOutChannels.Count;

    /// <summary>Image pixels per latent pixel along each axis.</summary>
    public int UpscaleFactor => 1 << (Levels - 1);

    /// <summary>Channels of level <paramref name="upBlock"/> in decoding order (up block 0 is the coarsest).</summary>
    public int UpBlockChannels(int upBlock) => BlockOutChannels[Levels - 1 - upBlock];

    /// <summary>Channels of conv_in, the mid block and the input of up block 0.</summary>
    public int MidChannels => BlockOutChannels[^1];

    public int ResnetsPerUpBlock => LayersPerBlock + 1;

    /// <summary>Every value positive and every GroupNorm's channel count divisible by the group count.</summary>
    public void Validate()
    {
        if (LatentChannels < 1 || OutChannels < 1 || LayersPerBlock < 0 || NormGroups < 1 || Levels < 1 || !float.IsFinite(ScalingFactor) || ScalingFactor <= 0)
            throw new ArgumentException($"invalid VAE configuration {this}");
        foreach (var channels in BlockOutChannels)
        {
            if (channels < 1 || channels % NormGroups != 0)
                throw new ArgumentException($"VAE configuration {this}: {channels} channels do not split into {NormGroups} groups");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"latent {LatentChannels}, channels [{ShortList.Join(", ", BlockOutChannels)}], {LayersPerBlock} layers per block, {NormGroups} groups, {OutChannels} outputs, scale {ScalingFactor}");

    public bool Equals(VaeConfig? other) =>
        other is not null && LatentChannels == other.LatentChannels && BlockOutChannels.SequenceEqual(other.BlockOutChannels)
        && LayersPerBlock == other.LayersPerBlock && NormGroups == other.NormGroups && OutChannels == other.OutChannels
        && ScalingFactor.Equals(other.ScalingFactor);

    public override int GetHashCode() =>
        HashCode.Combine(LatentChannels, BlockOutChannels.Aggregate(17, HashCode.Combine), LayersPerBlock, NormGroups, OutChannels, ScalingFactor);
}
