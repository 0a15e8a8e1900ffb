using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>Every intermediate tensor of one forward pass at one batch size, allocated once and reused by every
/// step of a sampling run, so the loop makes no per-step garbage.</summary>
internal sealed class DitWorkspace : IDisposable
{
    private readonly List<Tensor> _all = new();

    public DitWorkspace(ModelSpec m, int batch)
    {
        Batch = batch;
        int d = m.Hidden, t = m.Tokens, p = m.PatchSize;
        Patches = New(batch, t, m.InChannels * p * p);
        Tokens = New(batch, t, d);
        Frequencies = New(batch, DitWeights.FrequencySize);
        TimeHidden = New(batch, d);
        Condition = New(batch, d);
        LabelRows = New(batch, d);
        SiluCondition = New(batch, d);
        Modulation = New(batch, 6 * d);
        Chunks = new Tensor[6];
        for (var i = 0; i < Chunks.Length; i++)
            Chunks[i] = New(batch, d);
        Modulated = New(batch, t, d);
        Qkv = New(batch, t, 3 * d);
        Q = New(batch, m.Heads, t, m.HeadDim);
        K = New(batch, m.Heads, t, m.HeadDim);
        V = New(batch, m.Heads, t, m.HeadDim);
        Scores = New(batch, m.Heads, t, t);
        HeadOutputs = New(batch, m.Heads, t, m.HeadDim);
        Merged = New(batch, t, d);
        Branch = New(batch, t, d);
        Mlp = New(batch, t, m.MlpHidden);
        FinalModulation = New(batch, 2 * d);
        FinalChunks = new[] { New(batch, d), New(batch, d) };
        FinalTokens = New(batch, t, p * p * m.OutChannels);
    }

    public int Batch { get; }

    public Tensor Patches { get; }

    public Tensor Tokens { get; }

    public Tensor Frequencies { get; }

    public Tensor TimeHidden { get; }

    public Tensor Condition { get; }

    public Tensor LabelRows { get; }

    public Tensor SiluCondition { get; }

    public Tensor Modulation { get; }

    /// <summary>shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp (docs/dit.md).</summary>
    public Tensor[] Chunks { get; }

    public Tensor Modulated { get; }

    public Tensor Qkv { get; }

    public Tensor Q { get; }

    public Tensor K { get; }

    public Tensor V { get; }

    public Tensor Scores { get; }

    public Tensor HeadOutputs { get; }

    public Tensor Merged { get; }

    /// <summary>The attention or MLP branch output before its gated residual.</summary>
    public Tensor Branch { get; }

    public Tensor Mlp { get; }

    public Tensor FinalModulation { get; }

    /// <summary>shift, scale of the final layer (shift first, docs/dit.md).</summary>
    public Tensor[] FinalChunks { get; }

    public Tensor FinalTokens { get; }

    private Tensor New(params int[] shape)
    {
        var tensor = Tensor.Empty(shape);
        _all.Add(tensor);
        return tensor;
    }

    public void Dispose()
    {
        foreach (var tensor in _all)
            tensor.Dispose();
        _all.Clear();
    }
}
