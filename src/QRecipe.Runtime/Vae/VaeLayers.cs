using System;
using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Vae;

/// <summary>The weight and bias of one decoder layer: a convolution ([out, in, k, k], [out]), a GroupNorm's scale and
/// shift ([C], [C]) or a linear layer ([out, in], [out]). <see cref="Name"/> is the key without .weight/.bias.</summary>
public sealed class VaeLayer(string name, Tensor weight, Tensor bias) : IDisposable
{
    public string Name { get; } = name;

    public Tensor Weight { get; } = weight;

    public Tensor Bias { get; } = bias;

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}

/// <summary>diffusers' ResnetBlock2D without a time embedding: norm1, SiLU, conv1, norm2, SiLU, conv2, plus the input
/// (through a 1×1 conv_shortcut when the channel count changes). The layers belong to <see cref="VaeWeights"/>.</summary>
public sealed record VaeResnet(VaeLayer Norm1, VaeLayer Conv1, VaeLayer Norm2, VaeLayer Conv2, VaeLayer? Shortcut)
{
    public int OutChannels => Conv1.Weight.Shape[0];
}

/// <summary>The mid block's single-head self-attention over the H·W positions: GroupNorm, linear query, key and value,
/// softmax(q·kᵀ/√C)·v, linear output, plus the input.</summary>
public sealed record VaeAttention(VaeLayer Norm, VaeLayer Query, VaeLayer Key, VaeLayer Value, VaeLayer Output);

/// <summary>diffusers' UpDecoderBlock2D: its resnets, then (except in the last block) nearest 2× upsampling and a
/// 3×3 convolution.</summary>
public sealed record VaeUpBlock(IReadOnlyList<VaeResnet> Resnets, VaeLayer? Upsampler);
