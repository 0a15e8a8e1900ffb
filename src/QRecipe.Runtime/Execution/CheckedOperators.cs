using System;
using System.Threading;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Dit;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Execution;

/// <summary>
/// Passes every product of a forward to the inner operators after checking for cancellation, so a stop request
/// takes effect before the next product rather than after the whole step (a DiT-XL/2 step over a calibration batch
/// takes minutes on a CPU). Tells <c>productStarting</c> which product comes next, for progress inside a step.
/// </summary>
internal sealed class CheckedOperators(IDitOperators inner, CancellationToken cancellation, Action<LayerSite>? productStarting = null) : IDitOperators
{
    public void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
    {
        Check(site);
        inner.Linear(site, input, weights, output);
    }

    public void LinearGelu(LayerSite site, Tensor input, LinearWeights weights, Tensor output, ITensorBackend backend)
    {
        Check(site);
        inner.LinearGelu(site, input, weights, output, backend);
    }

    /// <summary>Reports both products once the fused attention has run them; when it falls back, the products one
    /// by one report themselves.</summary>
    public bool TryFusedAttention(LayerSite scores, LayerSite values, Tensor qkv, int heads, float scale, Tensor merged)
    {
        cancellation.ThrowIfCancellationRequested();
        if (!inner.TryFusedAttention(scores, values, qkv, heads, scale, merged))
            return false;
        productStarting?.Invoke(scores);
        productStarting?.Invoke(values);
        return true;
    }

    public void AttentionScores(LayerSite site, Tensor q, Tensor k, float scale, Tensor scores)
    {
        Check(site);
        inner.AttentionScores(site, q, k, scale, scores);
    }

    public void AttentionValues(LayerSite site, Tensor probabilities, Tensor v, Tensor output)
    {
        Check(site);
        inner.AttentionValues(site, probabilities, v, output);
    }

    private void Check(LayerSite site)
    {
        cancellation.ThrowIfCancellationRequested();
        productStarting?.Invoke(site);
    }
}
