using System.Collections.Generic;
using QRecipe.Plan;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>The keys and shapes of a DiT state dict in the original layout (docs/dit.md), derived from a model spec.</summary>
public static class DitKeys
{
    /// <summary>The fixed sin-cos table (docs/dit.md): recomputable, and not stored by diffusers, so it may be absent.</summary>
    public const string PosEmbed = "pos_embed";

    // TimestepEmbedder's frequency embedding size (docs/dit.md).
    private const int FrequencySize = 256;

    /// <summary>Every key of the state dict with its shape, in state_dict() order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Expected(ModelSpec model)
    {
        int d = model.Hidden;
        int p = model.PatchSize;
        var keys = new List<(string, int[])>
        {
            (PosEmbed, [1, model.Tokens, d]),
            ("x_embedder.proj.weight", [d, model.InChannels, p, p]),
            ("x_embedder.proj.bias", [d]),
            ("t_embedder.mlp.0.weight", [d, FrequencySize]),
            ("t_embedder.mlp.0.bias", [d]),
            ("t_embedder.mlp.2.weight", [d, d]),
            ("t_embedder.mlp.2.bias", [d]),
            // One extra row: the null class used for classifier-free guidance.
            ("y_embedder.embedding_table.weight", [model.NumClasses + 1, d]),
        };
        for (int i = 0; i < model.Depth; i++)
        {
            string b = $"blocks.{i}.";
            keys.Add((b + "attn.qkv.weight", [3 * d, d]));
            keys.Add((b + "attn.qkv.bias", [3 * d]));
            keys.Add((b + "attn.proj.weight", [d, d]));
            keys.Add((b + "attn.proj.bias", [d]));
            keys.Add((b + "mlp.fc1.weight", [model.MlpHidden, d]));
            keys.Add((b + "mlp.fc1.bias", [model.MlpHidden]));
            keys.Add((b + "mlp.fc2.weight", [d, model.MlpHidden]));
            keys.Add((b + "mlp.fc2.bias", [d]));
            keys.Add((b + "adaLN_modulation.1.weight", [6 * d, d]));
            keys.Add((b + "adaLN_modulation.1.bias", [6 * d]));
        }
        int outputs = p * p * model.OutChannels;
        keys.Add(("final_layer.linear.weight", [outputs, d]));
        keys.Add(("final_layer.linear.bias", [outputs]));
        keys.Add(("final_layer.adaLN_modulation.1.weight", [2 * d, d]));
        keys.Add(("final_layer.adaLN_modulation.1.bias", [2 * d]));
        return keys;
    }
}
