using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>The products in floating point on a backend: the reference every recipe is measured against.</summary>
public sealed class FloatOperators : IDitOperators
{
    private readonly ITensorBackend _backend;

    public FloatOperators(ITensorBackend backend) => _backend = backend;

    public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output) =>
        _backend.Linear(input, weights.Weight, weights.Bias, output);

    public void LinearGelu(LayerSite site, Tensor input, LinearWeights weights, Tensor output, ITensorBackend backend) =>
        _backend.LinearGelu(input, weights.Weight, weights.Bias, output);

    public bool TryFusedAttention(LayerSite scores, LayerSite values, Tensor qkv, int heads, float scale, Tensor merged) =>
        _backend.TryFusedAttention(qkv, heads, scale, merged);

    public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores) =>
        _backend.BatchedMatMul(q, k, scores, transposeB: true, alpha: scale);

    public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output) =>
        _backend.BatchedMatMul(probabilities, v, output);
}
