using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Interop.Recipes;
using QRecipe.Plan;

namespace QRecipe.Interop.Layers;

/// <summary>The two ways DiT's weight layers are named in the tools users come from (docs/interop.md): the original
/// DiT module tree (<c>blocks.3.attn.qkv</c>; ViDiT-Q, Q-DiT, DiTAS) and the diffusers one
/// (<c>transformer_blocks.3.attn1.to_q</c>; Qua2SeDiMo).</summary>
public sealed class DitLayerNames
{
    private readonly Dictionary<string, DitLayer> _byName;

    private DitLayerNames(IEnumerable<DitLayer> layers)
    {
        Layers = layers.ToList();
        _byName = Layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
    }

    /// <summary>Every weight layer, blocks first in block order, then the embedders and the final layer.</summary>
    public IReadOnlyList<DitLayer> Layers { get; }

    /// <summary>The original DiT tree. <c>attn.q</c>, <c>attn.k</c>, <c>attn.v</c> are the split projections some
    /// ViDiT-Q files name (OpenSora's spatial attention); they are listed for lookups, not as layers of the model.</summary>
    public static DitLayerNames Original(int depth)
    {
        var layers = new List<DitLayer>();
        for (var b = 0; b < depth; b++)
        {
            layers.Add(new($"blocks.{b}.attn.qkv", new Cell(b, Operator.Qkv)));
            layers.Add(new($"blocks.{b}.attn.proj", new Cell(b, Operator.Proj)));
            layers.Add(new($"blocks.{b}.mlp.fc1", new Cell(b, Operator.Fc1)));
            layers.Add(new($"blocks.{b}.mlp.fc2", new Cell(b, Operator.Fc2)));
            layers.Add(new($"blocks.{b}.adaLN_modulation.1", new Cell(b, Operator.AdaLN)));
        }
        layers.Add(new("x_embedder.proj", new Cell(Cell.Outside, Operator.Embed)));
        layers.Add(new("t_embedder.mlp.0", new Cell(Cell.Outside, Operator.Embed)));
        layers.Add(new("t_embedder.mlp.2", new Cell(Cell.Outside, Operator.Embed)));
        layers.Add(new("final_layer.linear", new Cell(Cell.Outside, Operator.Final)));
        layers.Add(new("final_layer.adaLN_modulation.1", new Cell(Cell.Outside, Operator.Final)));
        return new DitLayerNames(layers);
    }

    /// <summary>The diffusers tree; every block carries its own copy of the shared timestep embedder, which is part
    /// of <c>embed</c>.</summary>
    public static DitLayerNames Diffusers(int depth)
    {
        var layers = new List<DitLayer>();
        layers.Add(new("pos_embed.proj", new Cell(Cell.Outside, Operator.Embed)));
        for (var b = 0; b < depth; b++)
        {
            var p = $"transformer_blocks.{b}.";
            layers.Add(new(p + "norm1.emb.timestep_embedder.linear_1", new Cell(Cell.Outside, Operator.Embed)));
            layers.Add(new(p + "norm1.emb.timestep_embedder.linear_2", new Cell(Cell.Outside, Operator.Embed)));
            layers.Add(new(p + "norm1.linear", new Cell(b, Operator.AdaLN)));
            layers.Add(new(p + "attn1.to_q", new Cell(b, Operator.Qkv)));
            layers.Add(new(p + "attn1.to_k", new Cell(b, Operator.Qkv)));
            layers.Add(new(p + "attn1.to_v", new Cell(b, Operator.Qkv)));
            layers.Add(new(p + "attn1.to_out.0", new Cell(b, Operator.Proj)));
            layers.Add(new(p + "ff.net.0.proj", new Cell(b, Operator.Fc1)));
            layers.Add(new(p + "ff.net.2", new Cell(b, Operator.Fc2)));
        }
        layers.Add(new("proj_out_1", new Cell(Cell.Outside, Operator.Final)));
        layers.Add(new("proj_out_2", new Cell(Cell.Outside, Operator.Final)));
        return new DitLayerNames(layers);
    }

    /// <summary>The layer a full module name stands for; a leading <c>model.</c> (how several tools wrap the
    /// denoiser) is ignored. Null for a name the model does not have.</summary>
    public DitLayer? Find(string name)
    {
        var key = name.StartsWith("model.", StringComparison.Ordinal) ? name["model.".Length..] : name;
        if (_byName.TryGetValue(key, out var layer))
            return layer;
        return SplitAttention(key);
    }

    /// <summary><c>blocks.B.attn.q|k|v</c>: a part of block B's qkv.</summary>
    private DitLayer? SplitAttention(string name)
    {
        var parts = name.Split('.');
        if (parts.Length == 4 && parts[0] == "blocks" && parts[2] == "attn" && parts[3] is "q" or "k" or "v"
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var block)
            && _byName.ContainsKey($"blocks.{block}.attn.qkv"))
            return new DitLayer(name, new Cell(block, Operator.Qkv));
        return null;
    }
}
