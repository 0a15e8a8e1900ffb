using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>Which naming a DiT state dict uses.</summary>
public enum DitLayout
{
    /// <summary>facebookresearch/DiT's names (x_embedder, blocks.N.attn.qkv, final_layer…).</summary>
    Original,

    /// <summary>diffusers' Transformer2DModel names (pos_embed.proj, transformer_blocks.N.attn1.to_q, proj_out_1…).</summary>
    Diffusers,
}

/// <summary>
/// Maps a diffusers DiT state dict onto the original DiT names (docs/checkpoints.md): renames, joins to_q/to_k/to_v into the
/// fused qkv, and takes the timestep and label embedders from the lowest transformer block, since the converter
/// copies them into every block. Keys it does not recognise keep their names, so validation reports them.
/// </summary>
public static partial class KeyLayout
{
    private static readonly Dictionary<string, string> TopLevel = new(StringComparer.Ordinal)
    {
        ["pos_embed.proj.weight"] = "x_embedder.proj.weight",
        ["pos_embed.proj.bias"] = "x_embedder.proj.bias",
        // Older diffusers saved the sin-cos table as a persistent buffer.
        ["pos_embed.pos_embed"] = DitKeys.PosEmbed,
        ["proj_out_1.weight"] = "final_layer.adaLN_modulation.1.weight",
        ["proj_out_1.bias"] = "final_layer.adaLN_modulation.1.bias",
        ["proj_out_2.weight"] = "final_layer.linear.weight",
        ["proj_out_2.bias"] = "final_layer.linear.bias",
    };

    private static readonly Dictionary<string, string> PerBlock = new(StringComparer.Ordinal)
    {
        ["norm1.linear"] = "adaLN_modulation.1",
        ["attn1.to_out.0"] = "attn.proj",
        ["ff.net.0.proj"] = "mlp.fc1",
        ["ff.net.2"] = "mlp.fc2",
    };

    // The embedders every block carries a copy of.
    private static readonly Dictionary<string, string> Shared = new(StringComparer.Ordinal)
    {
        ["norm1.emb.timestep_embedder.linear_1"] = "t_embedder.mlp.0",
        ["norm1.emb.timestep_embedder.linear_2"] = "t_embedder.mlp.2",
        ["norm1.emb.class_embedder.embedding_table"] = "y_embedder.embedding_table",
    };

    private static readonly string[] QkvParts = ["to_q", "to_k", "to_v"];

    [GeneratedRegex(@"^transformer_blocks\.(\d+)\.(.+)\.(weight|bias)$")]
    private static partial Regex BlockKey();

    public static DitLayout Detect(StateDict tensors) =>
        tensors.Any(t => t.Name.StartsWith("transformer_blocks.", StringComparison.Ordinal) || TopLevel.ContainsKey(t.Name))
            ? DitLayout.Diffusers
            : DitLayout.Original;

    /// <summary>The state dict under DiT names; a dict already in the original layout is returned as it is.</summary>
    public static StateDict ToDit(string file, StateDict tensors)
    {
        if (Detect(tensors) == DitLayout.Original)
            return tensors;

        var mapped = new List<CheckpointEntry>();
        var qkv = new SortedDictionary<(int Block, string Param), CheckpointEntry?[]>();
        var shared = new Dictionary<string, (int Block, CheckpointEntry Entry)>(StringComparer.Ordinal);
        foreach (var entry in tensors)
        {
            if (TopLevel.TryGetValue(entry.Name, out var top))
            {
                mapped.Add(entry.WithName(top));
                continue;
            }
            var match = BlockKey().Match(entry.Name);
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out int block))
            {
                mapped.Add(entry);
                continue;
            }
            string module = match.Groups[2].Value;
            string param = match.Groups[3].Value;
            if (PerBlock.TryGetValue(module, out var dit))
            {
                mapped.Add(entry.WithName($"blocks.{block}.{dit}.{param}"));
            }
            else if (Shared.TryGetValue(module, out var embedder))
            {
                string name = $"{embedder}.{param}";
                if (!shared.TryGetValue(name, out var kept) || block < kept.Block)
                    shared[name] = (block, entry.WithName(name));
            }
            else if (module.StartsWith("attn1.", StringComparison.Ordinal) && Array.IndexOf(QkvParts, module[6..]) is var part and >= 0)
            {
                if (!qkv.TryGetValue((block, param), out var parts))
                    qkv[(block, param)] = parts = new CheckpointEntry?[3];
                parts[part] = entry;
            }
            else
            {
                mapped.Add(entry);
            }
        }

        mapped.AddRange(shared.Values.Select(s => s.Entry));
        foreach (var ((block, param), parts) in qkv)
        {
            // With a part missing there is nothing to join: the parts keep their diffusers names and validation
            // reports them as unexpected and the fused key as missing.
            if (parts.Any(p => p is null))
                mapped.AddRange(parts.OfType<CheckpointEntry>());
            else
                mapped.Add(ConcatenatedEntry.Create(file, $"blocks.{block}.attn.qkv.{param}", parts!));
        }
        return new StateDict(file, mapped);
    }
}
