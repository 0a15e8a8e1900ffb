using System;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Diffusion;
using QRecipe.Runtime.Tensors;
using OperatorNames = QRecipe.Plan.Operators;

namespace QRecipe.Runtime.Dit;

/// <summary>
/// The DiT forward pass of docs/dit.md, on any <see cref="ITensorBackend"/>. Every linear
/// layer and both attention products go through <see cref="Operators"/>, the hook the quantization and SC engines
/// replace. Intermediate tensors live in a workspace kept per batch size. Every product's output and every step between
/// products that can turn finite values into NaN or ±∞ (adds, layer norm with modulate, gated residuals, guidance) is
/// checked where it is made, so a <see cref="NonFiniteActivationException"/> names the operator that first produced
/// one. Steps that cannot (silu, gelu, softmax, layout changes) are not checked. Float attention runs as one fused
/// backend call that probes its scores itself (<see cref="IDitOperators.TryFusedAttention"/>); its merged output is
/// checked.
/// </summary>
public sealed class DitModel : IDisposable
{
    private readonly ITensorBackend _backend;
    private DitWorkspace? _workspace;
    private Tensor? _cfgInput;
    private Tensor? _cfgTimesteps;
    private Tensor? _cfgLabels;
    private Tensor? _cfgOutput;

    public DitModel(DitWeights weights, ITensorBackend backend, IDitOperators? operators = null)
    {
        Weights = weights;
        _backend = backend;
        Operators = operators ?? new FloatOperators(backend);
    }

    public ModelSpec Spec => Weights.Model;

    public DitWeights Weights { get; }

    /// <summary>The hook every product goes through; replace it to quantize or simulate SC.</summary>
    public IDitOperators Operators { get; set; }

    /// <summary>output [N, 2C, L, L] (eps, then variance values) for latents x [N, C, L, L], float32 original timesteps
    /// [N] and int32 labels [N] (the null class is <c>NumClasses</c>).</summary>
    public void Forward(Tensor x, Tensor timesteps, Tensor labels, Tensor output)
    {
        var m = Spec;
        var batch = x.Shape[0];
        Expect(x, nameof(x), batch, m.InChannels, m.LatentSize, m.LatentSize);
        Expect(output, nameof(output), batch, m.OutChannels, m.LatentSize, m.LatentSize);
        var w = Workspace(batch);

        // Patch tokens plus the fixed positional table.
        _backend.Patchify(x, m.PatchSize, w.Patches);
        Linear(new LayerSite(-1, Operator.Embed, Weights.Patch.Name), w.Patches, Weights.Patch, w.Tokens);
        _backend.Add(w.Tokens, Weights.PosEmbed, w.Tokens);
        Check(w.Tokens, Stage.PosEmbed, -1);

        // Condition c = MLP(frequencies(t)) + label row.
        _backend.TimestepEmbedding(timesteps, w.Frequencies);
        Linear(new LayerSite(-1, Operator.Embed, Weights.TimeMlp0.Name), w.Frequencies, Weights.TimeMlp0, w.TimeHidden);
        _backend.Silu(w.TimeHidden, w.TimeHidden);
        Linear(new LayerSite(-1, Operator.Embed, Weights.TimeMlp2.Name), w.TimeHidden, Weights.TimeMlp2, w.Condition);
        _backend.EmbeddingLookup(Weights.LabelTable, labels, w.LabelRows);
        _backend.Add(w.Condition, w.LabelRows, w.Condition);
        Check(w.Condition, Stage.LabelAdd, -1);
        _backend.Silu(w.Condition, w.SiluCondition);

        for (var block = 0; block < m.Depth; block++)
            Block(block, Weights.Blocks[block], w);

        // Final layer, then unpatchify.
        Linear(new LayerSite(-1, Operator.Final, Weights.FinalAdaLN.Name), w.SiluCondition, Weights.FinalAdaLN, w.FinalModulation);
        _backend.Split(w.FinalModulation, 1, w.FinalChunks);
        _backend.ModulatedLayerNorm(w.Tokens, w.FinalChunks[0], w.FinalChunks[1], w.Modulated);
        Check(w.Modulated, Stage.FinalNorm, -1);
        Linear(new LayerSite(-1, Operator.Final, Weights.FinalLinear.Name), w.Modulated, Weights.FinalLinear, w.FinalTokens);
        _backend.Unpatchify(w.FinalTokens, m.PatchSize, output);
    }

    /// <summary>adaLN-Zero block.</summary>
    private void Block(int block, DitBlockWeights weights, DitWorkspace w)
    {
        var m = Spec;
        var ops = Operators;
        Linear(new LayerSite(block, Operator.AdaLN, weights.AdaLN.Name), w.SiluCondition, weights.AdaLN, w.Modulation);
        _backend.Split(w.Modulation, 1, w.Chunks);

        _backend.ModulatedLayerNorm(w.Tokens, w.Chunks[0], w.Chunks[1], w.Modulated);
        Check(w.Modulated, Stage.Norm1, block);
        Linear(new LayerSite(block, Operator.Qkv, weights.Qkv.Name), w.Modulated, weights.Qkv, w.Qkv);
        var scores = new LayerSite(block, Operator.Qk, weights.Qkv.Name + ".qk");
        var values = new LayerSite(block, Operator.Av, weights.Qkv.Name + ".av");
        var scale = 1f / MathF.Sqrt(m.HeadDim);
        // Float attention runs fused where the operators and the backend allow it; otherwise, and to name the product
        // that made a NaN or ±∞ in the fused scores or output, step by step with each product checked.
        if (!ops.TryFusedAttention(scores, values, w.Qkv, m.Heads, scale, w.Merged) || _backend.CountNonFinite(w.Merged) != 0)
        {
            _backend.SplitHeads(w.Qkv, w.Q, w.K, w.V);
            ops.AttentionScores(scores, w.Q, w.K, scale, w.Scores);
            Check(w.Scores, scores);
            _backend.Softmax(w.Scores, w.Scores);
            ops.AttentionValues(values, w.Scores, w.V, w.HeadOutputs);
            Check(w.HeadOutputs, values);
            _backend.MergeHeads(w.HeadOutputs, w.Merged);
        }
        Linear(new LayerSite(block, Operator.Proj, weights.Proj.Name), w.Merged, weights.Proj, w.Branch);
        _backend.GatedResidual(w.Tokens, w.Chunks[2], w.Branch, w.Tokens);
        Check(w.Tokens, Stage.AttentionResidual, block);

        _backend.ModulatedLayerNorm(w.Tokens, w.Chunks[3], w.Chunks[4], w.Modulated);
        Check(w.Modulated, Stage.Norm2, block);
        // fc1 and GELU as one call (fused on the CPU); the check after GELU still finds any non-finite fc1 output:
        // GELU keeps +∞ and NaN and turns −∞ into NaN, and maps every finite value to a finite one.
        var fc1 = new LayerSite(block, Operator.Fc1, weights.Fc1.Name);
        ops.LinearGelu(fc1, w.Modulated, weights.Fc1, w.Mlp, _backend);
        Check(w.Mlp, fc1);
        Linear(new LayerSite(block, Operator.Fc2, weights.Fc2.Name), w.Mlp, weights.Fc2, w.Branch);
        _backend.GatedResidual(w.Tokens, w.Chunks[5], w.Branch, w.Tokens);
        Check(w.Tokens, Stage.MlpResidual, block);
    }

    /// <summary>A linear layer through <see cref="Operators"/>, its output checked.</summary>
    private void Linear(LayerSite site, Tensor input, LinearWeights weights, Tensor output)
    {
        Operators.Linear(site, input, weights, output);
        Check(output, site);
    }

    private void Check(Tensor output, LayerSite site)
    {
        var count = _backend.CountNonFinite(output);
        if (count != 0)
            throw NonFiniteActivationException.Of(SiteOf(site), output.AsReadOnlySpan<float>(), output.Shape.ToArray(), count);
    }

    private void Check(Tensor output, Stage stage, int block)
    {
        var count = _backend.CountNonFinite(output);
        if (count != 0)
            throw NonFiniteActivationException.Of(SiteOf(stage, block), output.AsReadOnlySpan<float>(), output.Shape.ToArray(), count);
    }

    private static ActivationSite SiteOf(LayerSite site) => site.Block >= 0
        ? ActivationSite.InBlock(site.Block, OperatorNames.Name(site.Operator), site.Name)
        : site.Operator == Operator.Final
            ? ActivationSite.FinalLayer(OperatorNames.Name(site.Operator), site.Name)
            : ActivationSite.Embedders(OperatorNames.Name(site.Operator), site.Name);

    /// <summary>The steps between products; names follow DiT's modules (norm1, norm2, norm_final).</summary>
    private enum Stage
    {
        PosEmbed,
        LabelAdd,
        Norm1,
        AttentionResidual,
        Norm2,
        MlpResidual,
        FinalNorm,
    }

    private static ActivationSite SiteOf(Stage stage, int block) => stage switch
    {
        Stage.PosEmbed => ActivationSite.Embedders("pos_embed add", "x_embedder.proj + pos_embed"),
        Stage.LabelAdd => ActivationSite.Embedders("label add", "t_embedder + y_embedder"),
        Stage.Norm1 => ActivationSite.InBlock(block, "norm1", $"blocks.{block}.norm1, modulated by shift_msa, scale_msa"),
        Stage.AttentionResidual => ActivationSite.InBlock(block, "attn residual", $"blocks.{block}: x + gate_msa·attn"),
        Stage.Norm2 => ActivationSite.InBlock(block, "norm2", $"blocks.{block}.norm2, modulated by shift_mlp, scale_mlp"),
        Stage.MlpResidual => ActivationSite.InBlock(block, "mlp residual", $"blocks.{block}: x + gate_mlp·mlp"),
        _ => ActivationSite.FinalLayer("norm_final", "final_layer.norm_final, modulated by shift, scale"),
    };

    /// <summary>
    /// Classifier-free guidance as DiT's <c>forward_with_cfg</c> (docs/dit.md) on an N-row state: the conditional and the
    /// null-class branch run as one batch of 2N; the <see cref="GuidedChannels"/> are guided, uncond + s·(cond − uncond),
    /// while the other channels come from the conditional branch. output is [N, 2C, L, L].
    /// </summary>
    public void ForwardWithCfg(Tensor x, Tensor timesteps, Tensor labels, float scale, Tensor output)
    {
        var m = Spec;
        var n = x.Shape[0];
        Expect(output, nameof(output), n, m.OutChannels, m.LatentSize, m.LatentSize);
        if (_cfgInput is null || _cfgInput.Shape[0] != 2 * n)
        {
            DisposeCfgBuffers();
            _cfgInput = Tensor.Empty(2 * n, m.InChannels, m.LatentSize, m.LatentSize);
            _cfgTimesteps = Tensor.Empty(2 * n);
            _cfgLabels = Tensor.Empty(new TensorShape(2 * n), DataType.Int32);
            _cfgOutput = Tensor.Empty(2 * n, m.OutChannels, m.LatentSize, m.LatentSize);
        }
        _backend.Concat(new[] { x, x }, 0, _cfgInput);
        _backend.Concat(new[] { timesteps, timesteps }, 0, _cfgTimesteps!);
        using (var conditional = _cfgLabels!.Slice(0, n))
            _backend.Copy(labels, conditional);
        using (var unconditional = _cfgLabels.Slice(n, n))
            _backend.Fill(unconditional, m.NumClasses);
        Forward(_cfgInput, _cfgTimesteps!, _cfgLabels, _cfgOutput!);
        _backend.ClassifierFreeGuidance(_cfgOutput!, GuidedChannels(m), scale, output);
        var count = _backend.CountNonFinite(output);
        if (count != 0)
            throw NonFiniteActivationException.Of(ActivationSite.Guidance, output.AsReadOnlySpan<float>(), output.Shape.ToArray(), count);
    }

    /// <summary>The channels classifier-free guidance mixes. DiT's own sampler guides the first three of its four eps
    /// channels, and QRecipe keeps that for 4-channel models so their samples match DiT's; any other model (the bundled
    /// 1-channel Fashion-MNIST DiT) has all its eps channels guided and its variance channels taken from the
    /// conditional half (docs/checkpoints.md).</summary>
    public static int GuidedChannels(ModelSpec model) => model.InChannels == 4 ? 3 : model.InChannels;

    private DitWorkspace Workspace(int batch)
    {
        if (_workspace?.Batch == batch)
            return _workspace;
        _workspace?.Dispose();
        _workspace = new DitWorkspace(Spec, batch);
        return _workspace;
    }

    private static void Expect(Tensor tensor, string name, params int[] shape)
    {
        var expected = new TensorShape(shape);
        if (!tensor.Shape.Equals(expected))
            throw new ShapeMismatchException($"DiT forward ({name})", expected, tensor.Shape, "the model's shapes");
    }

    private void DisposeCfgBuffers()
    {
        _cfgInput?.Dispose();
        _cfgTimesteps?.Dispose();
        _cfgLabels?.Dispose();
        _cfgOutput?.Dispose();
    }

    public void Dispose()
    {
        _workspace?.Dispose();
        DisposeCfgBuffers();
    }
}
