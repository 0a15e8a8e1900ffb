using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>Where a product runs: the block (-1 outside the blocks), the recipe operator and the layer name. Embed
/// covers the patch, timestep and label embedders; Final the final layer's modulation and linear.</summary>
public readonly record struct LayerSite(int Block, Operator Operator, string Name);

/// <summary>
/// The one hook point of the model: every linear layer and both attention products go through it, so the
/// quantization and SC engines replace them per (block, operator) without touching the model code.
/// <see cref="FloatOperators"/> computes them in floating point.
/// </summary>
public interface IDitOperators
{
    /// <summary>output[..., out] = input[..., in]·Wᵀ + b.</summary>
    void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output);

    /// <summary>fc1 and its activation: output = GELU(input·Wᵀ + b). By default <see cref="Linear"/>, then the
    /// backend's GELU in place, so operators that replace or observe <see cref="Linear"/> see fc1 as before;
    /// <see cref="FloatOperators"/> runs the backend's fused product.</summary>
    void LinearGelu(LayerSite site, Tensor input, LinearWeights weights, Tensor output, ITensorBackend backend)
    {
        Linear(site, input, weights, output);
        backend.Gelu(output, output);
    }

    /// <summary>Both attention products and the softmax between them in one backend call
    /// (<see cref="ITensorBackend.TryFusedAttention"/>: q, k, v read out of qkv [N, T, 3D], the heads written merged
    /// into [N, T, D]), for operators that compute qk and av at these sites in plain float. Returns false when they do
    /// not (the default), when the backend does not fuse, or when a score was NaN or ±∞; the model then runs SplitHeads,
    /// <see cref="AttentionScores"/>, Softmax, <see cref="AttentionValues"/> and MergeHeads (also when the fused output
    /// holds a NaN or ±∞), whose checks name the product that made it.</summary>
    bool TryFusedAttention(LayerSite scores, LayerSite values, Tensor qkv, int heads, float scale, Tensor merged) => false;

    /// <summary>scores[b, h] = scale·q[b, h]·k[b, h]ᵀ for q, k [B, H, T, hd] and scores [B, H, T, T] (operator qk).</summary>
    void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores);

    /// <summary>output[b, h] = probabilities[b, h]·v[b, h] for probabilities [B, H, T, T], v and output [B, H, T, hd]
    /// (operator av).</summary>
    void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output);
}
