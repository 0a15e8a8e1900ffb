using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>
/// The operations a DiT, its quantizers and the SC engine need, implemented once per device (the CPU here, the GPU in QRecipe.Runtime.Cuda), so
/// model code never contains device-specific code. Every operation writes into a caller-provided output so that a
/// sampling loop can reuse its buffers; elementwise and row-wise operations may run in place (output = input).
/// Shapes that do not fit throw <see cref="ShapeMismatchException"/> naming the operation and both shapes.
/// Names follow TorchSharp (matmul, softmax, layer_norm, gelu, silu, cat, split, embedding) in .NET casing.
/// </summary>
public interface ITensorBackend
{
    string Name { get; }

    /// <summary>output[M, N] = alpha·op(a)·op(b) + bias, op transposing when asked: a is [M, K] or [K, M], b is [K, N]
    /// or [N, K]; bias is [N] or null.</summary>
    void MatMul(Tensor a, Tensor b, Tensor output, bool transposeA = false, bool transposeB = false, Tensor? bias = null, float alpha = 1f);

    /// <summary>A Linear layer (docs/dit.md): output[..., N] = input[..., K]·weightᵀ + bias with weight [N, K] and bias [N] or null.</summary>
    void Linear(Tensor input, Tensor weight, Tensor? bias, Tensor output);

    /// <summary>fc1 with its activation: output = GELU(input·weightᵀ + bias), shapes as <see cref="Linear"/>. The CPU
    /// backend applies GELU to each tile of the product while it is in cache; the values equal <see cref="Linear"/>
    /// followed by <see cref="Gelu"/>.</summary>
    void LinearGelu(Tensor input, Tensor weight, Tensor? bias, Tensor output);

    /// <summary>One product per leading index: output[..., M, N] = alpha·a[..., M, K]·b[..., K, N] (b[..., N, K] when
    /// <paramref name="transposeB"/>); attention's q·kᵀ and A·v.</summary>
    void BatchedMatMul(Tensor a, Tensor b, Tensor output, bool transposeB = false, float alpha = 1f);

    /// <summary>Numerically stable softmax over the last axis.</summary>
    void Softmax(Tensor input, Tensor output);

    /// <summary>LayerNorm over the last axis, no affine parameters (docs/dit.md).</summary>
    void LayerNorm(Tensor input, Tensor output, float epsilon = 1e-6f);

    /// <summary>GELU, tanh approximation (docs/dit.md).</summary>
    void Gelu(Tensor input, Tensor output);

    void Silu(Tensor input, Tensor output);

    /// <summary>output = a + b; b has a's shape or a suffix of it (broadcast over the leading axes).</summary>
    void Add(Tensor a, Tensor b, Tensor output);

    /// <summary>output = a ⊙ b; b has a's shape or a suffix of it (broadcast over the leading axes).</summary>
    void Multiply(Tensor a, Tensor b, Tensor output);

    /// <summary>adaLN modulate (docs/dit.md): output = x·(1 + scale) + shift with x [N, T, D], shift and scale [N, D].</summary>
    void Modulate(Tensor x, Tensor shift, Tensor scale, Tensor output);

    /// <summary>A DiT block's norm and modulate in one pass (docs/dit.md): output = LayerNorm(x)·(1 + scale) + shift
    /// with x [N, T, D], shift and scale [N, D]; the values equal <see cref="LayerNorm"/> followed by
    /// <see cref="Modulate"/>.</summary>
    void ModulatedLayerNorm(Tensor x, Tensor shift, Tensor scale, Tensor output, float epsilon = 1e-6f);

    /// <summary>adaLN-Zero residual (docs/dit.md): output = x + gate·y with x and y [N, T, D], gate [N, D].</summary>
    void GatedResidual(Tensor x, Tensor gate, Tensor y, Tensor output);

    /// <summary>Concatenates along <paramref name="axis"/> (TorchSharp's cat).</summary>
    void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor output);

    /// <summary>Splits along <paramref name="axis"/> into the outputs, whose sizes on that axis add up to the input's.</summary>
    void Split(Tensor input, int axis, IReadOnlyList<Tensor> outputs);

    /// <summary>Attention heads out of a fused projection (docs/dit.md): qkv [N, T, 3D] → q, k, v [N, H, T, D/H], where head h
    /// of q owns channels [h·hd, (h+1)·hd) of the first D, k of the second D and v of the third.</summary>
    void SplitHeads(Tensor qkv, Tensor q, Tensor k, Tensor v);

    /// <summary>The inverse layout change: heads [N, H, T, hd] → merged [N, T, H·hd] (channel h·hd + j).</summary>
    void MergeHeads(Tensor heads, Tensor merged);

    /// <summary>A DiT block's self-attention in one call, where the backend fuses it (docs/dit.md): merged [N, T, D] =
    /// MergeHeads(softmax(scale·q·kᵀ)·v) for q, k and v the heads <see cref="SplitHeads"/> takes out of qkv [N, T, 3D].
    /// Returns false when the backend does not fuse attention (the default) or when a score was NaN or ±∞; the caller
    /// then runs the steps one by one, whose checks name the product that made it. The output is not checked: a caller
    /// that checks products checks merged, and runs the steps when it holds a NaN or ±∞.</summary>
    bool TryFusedAttention(Tensor qkv, int heads, float scale, Tensor merged) => false;

    /// <summary>Copies a tensor into another of the same shape and element type.</summary>
    void Copy(Tensor source, Tensor destination);

    /// <summary>Sets every element to <paramref name="value"/> (converted to the tensor's element type).</summary>
    void Fill(Tensor tensor, double value);

    /// <summary>Classifier-free guidance (docs/dit.md): combined [2N, C, H, W] holds the conditional batch then the
    /// unconditional one; output [N, C, H, W] is uncond + scale·(cond − uncond) on channels below
    /// <paramref name="guidedChannels"/> and the conditional value on the others.</summary>
    void ClassifierFreeGuidance(Tensor combined, int guidedChannels, float scale, Tensor output);

    /// <summary>latent [N, C, H, W] → tokens [N, (H/p)·(W/p), C·p·p] (docs/dit.md).</summary>
    void Patchify(Tensor latent, int patchSize, Tensor output);

    /// <summary>tokens [N, h·w, p·p·C] → image [N, C, h·p, w·p] (docs/dit.md).</summary>
    void Unpatchify(Tensor tokens, int patchSize, Tensor output);

    /// <summary>Fixed 2-D sin-cos positional table [G·G, D] (docs/dit.md).</summary>
    void SinCosPositionalEmbedding(int gridSize, Tensor output);

    /// <summary>Sinusoidal timestep features [N, F] of float32 timesteps [N] (docs/dit.md).</summary>
    void TimestepEmbedding(Tensor timesteps, Tensor output, float maxPeriod = 10000f);

    /// <summary>output[n] = table[ids[n]] for a float32 table [V, D] and int32 ids [N] (docs/dit.md).</summary>
    void EmbeddingLookup(Tensor table, Tensor ids, Tensor output);

    /// <summary>max |x| of each row of [R, C] (leading axes flattened into rows) into [R].</summary>
    void AbsMaxPerRow(Tensor input, Tensor output);

    /// <summary>max |x| of each column of [R, C] into [C].</summary>
    void AbsMaxPerColumn(Tensor input, Tensor output);

    float AbsMax(Tensor input);

    /// <summary>How many elements are NaN or ±∞ (0: all finite). The forward pass checks every operator's output with
    /// it, so it is one pass over the tensor where it lives, and only the count comes back.</summary>
    long CountNonFinite(Tensor input);

    float Mean(Tensor input);

    /// <summary>Population (biased) variance over all elements.</summary>
    float Variance(Tensor input);

    /// <summary>Fills with mean + std·N(0, 1) from the seeded Philox generator (<see cref="Randomness.PhiloxRandom"/>):
    /// element i is normal i of (seed, stream) on every machine.</summary>
    void RandomNormal(Tensor output, ulong seed, ulong stream = 0, float mean = 0f, float std = 1f);

    // ---- Convolutional image operations (the SD-VAE decoder, docs/vae.md) ----

    /// <summary>2-D convolution, stride 1, "same" zero padding (k − 1)/2 (padding 1 for 3×3, 0 for 1×1): input
    /// [N, Cin, H, W], weight [Cout, Cin, k, k] with k odd, bias [Cout] or null, output [N, Cout, H, W].</summary>
    void Conv2d(Tensor input, Tensor weight, Tensor? bias, Tensor output);

    /// <summary>GroupNorm (TorchSharp's group_norm) of [N, C, ...]: channels split into <paramref name="groups"/>
    /// consecutive groups, each normalised over its channels and positions with the biased variance, then
    /// output = x̂·weight[c] + bias[c] with weight and bias [C].</summary>
    void GroupNorm(Tensor input, int groups, Tensor weight, Tensor bias, Tensor output, float epsilon = 1e-6f);

    /// <summary>Nearest-neighbour 2× upsampling: input [N, C, H, W] → output [N, C, 2H, 2W], output[.., y, x] = input[.., y/2, x/2].</summary>
    void UpsampleNearest2x(Tensor input, Tensor output);

    /// <summary>Swaps the last two axes: input [..., R, C] → output [..., C, R] (feature maps [N, C, H·W] to tokens
    /// [N, H·W, C] and back). Not in place.</summary>
    void TransposeLastTwo(Tensor input, Tensor output);
}
