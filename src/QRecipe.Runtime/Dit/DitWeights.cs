using System;
using System.Collections.Generic;
using QRecipe.Plan;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>The weights of one DiT block (docs/dit.md).</summary>
public sealed class DitBlockWeights : IDisposable
{
    public DitBlockWeights(LinearWeights qkv, LinearWeights proj, LinearWeights fc1, LinearWeights fc2, LinearWeights adaLN)
    {
        Qkv = qkv;
        Proj = proj;
        Fc1 = fc1;
        Fc2 = fc2;
        AdaLN = adaLN;
    }

    public LinearWeights Qkv { get; }

    public LinearWeights Proj { get; }

    public LinearWeights Fc1 { get; }

    public LinearWeights Fc2 { get; }

    public LinearWeights AdaLN { get; }

    public void Dispose()
    {
        Qkv.Dispose();
        Proj.Dispose();
        Fc1.Dispose();
        Fc2.Dispose();
        AdaLN.Dispose();
    }
}

/// <summary>All parameters of a DiT in the original layout (docs/dit.md), as tensors on the model's backend.</summary>
public sealed class DitWeights : IDisposable
{
    private DitWeights(ModelSpec model, Tensor posEmbed, LinearWeights patch, LinearWeights time0, LinearWeights time2, Tensor labels,
        DitBlockWeights[] blocks, LinearWeights finalAdaLN, LinearWeights finalLinear)
    {
        Model = model;
        PosEmbed = posEmbed;
        Patch = patch;
        TimeMlp0 = time0;
        TimeMlp2 = time2;
        LabelTable = labels;
        Blocks = blocks;
        FinalAdaLN = finalAdaLN;
        FinalLinear = finalLinear;
    }

    public ModelSpec Model { get; }

    /// <summary>[T, D].</summary>
    public Tensor PosEmbed { get; }

    /// <summary>The patch-embedding convolution as a linear layer: weight [D, C·p·p] (docs/dit.md).</summary>
    public LinearWeights Patch { get; }

    public LinearWeights TimeMlp0 { get; }

    public LinearWeights TimeMlp2 { get; }

    /// <summary>[classes + 1, D]; the last row is the null class (docs/dit.md).</summary>
    public Tensor LabelTable { get; }

    public IReadOnlyList<DitBlockWeights> Blocks { get; }

    public LinearWeights FinalAdaLN { get; }

    public LinearWeights FinalLinear { get; }

    /// <summary>Bytes of float parameters held: every tensor, less the weights released after quantization
    /// (<see cref="LinearWeights.ReleaseWeight"/>).</summary>
    public long FloatBytes
    {
        get
        {
            var bytes = (PosEmbed.ElementCount + LabelTable.ElementCount) * sizeof(float)
                        + Patch.FloatBytes + TimeMlp0.FloatBytes + TimeMlp2.FloatBytes + FinalAdaLN.FloatBytes + FinalLinear.FloatBytes;
            foreach (var block in Blocks)
                bytes += block.Qkv.FloatBytes + block.Proj.FloatBytes + block.Fc1.FloatBytes + block.Fc2.FloatBytes + block.AdaLN.FloatBytes;
            return bytes;
        }
    }

    /// <summary>Width of the timestep frequency features (docs/dit.md).</summary>
    public const int FrequencySize = 256;

    /// <summary>Copies a validated checkpoint (original or diffusers layout, <see cref="Checkpoint.OpenDit"/>) into
    /// tensors, refusing NaN and infinities (<see cref="CheckpointEntry.CopyFiniteTo"/>); the positional table is
    /// recomputed when the file does not carry it.</summary>
    public static DitWeights Load(string path, ModelSpec model, ITensorBackend backend)
    {
        using var checkpoint = Checkpoint.OpenDit(path, model);
        var state = checkpoint.Tensors;
        Tensor Read(string name, params int[] shape)
        {
            var tensor = Tensor.Empty(shape);
            state[name].CopyFiniteTo(tensor.AsSpan<float>(), path);
            return tensor;
        }
        return Build(model, backend, (name, shape) => Read(name, shape), state.TryGetValue(DitKeys.PosEmbed, out _));
    }

    /// <summary>
    /// Seeded synthetic weights of the declared architecture, for runs without a checkpoint: every linear layer
    /// N(0, gain²/in) (gain ½ for the modulation layers, so adaLN is active rather than zero as in training init),
    /// biases N(0, 0.1²), the label table N(0, 0.5²), tensor i of the state dict from Philox stream i of the seed.
    /// </summary>
    public static DitWeights Synthetic(ModelSpec model, ITensorBackend backend, ulong seed)
    {
        ulong stream = 0;
        Tensor Random(string name, params int[] shape)
        {
            var tensor = Tensor.Empty(shape);
            var std = name.EndsWith(".bias", StringComparison.Ordinal) ? 0.1f
                : name == "y_embedder.embedding_table.weight" ? 0.5f
                : (name.Contains("adaLN", StringComparison.Ordinal) ? 0.5f : 1f) / MathF.Sqrt(shape[1..].Length == 0 ? 1 : Product(shape[1..]));
            backend.RandomNormal(tensor, seed, stream++, 0f, std);
            return tensor;
        }
        return Build(model, backend, Random, hasPosEmbed: false);
    }

    /// <summary>Weights from tensors the caller reads (an exported model, docs/export-model.md): <paramref name="read"/>
    /// gives each parameter by its original-layout name and shape; <paramref name="readWeight"/> gives a linear layer's
    /// weight, or null for a layer held only in quantized form (<see cref="LinearWeights.WithoutWeight"/>).</summary>
    public static DitWeights FromTensors(ModelSpec model, ITensorBackend backend, Func<string, int[], Tensor> read, Func<string, int[], Tensor?> readWeight) =>
        Build(model, backend, read, hasPosEmbed: true, readWeight);

    private static int Product(int[] dims)
    {
        var product = 1;
        foreach (var d in dims)
            product *= d;
        return product;
    }

    private static DitWeights Build(ModelSpec model, ITensorBackend backend, Func<string, int[], Tensor> read, bool hasPosEmbed,
        Func<string, int[], Tensor?>? readWeight = null)
    {
        int d = model.Hidden, p = model.PatchSize;
        var created = new List<IDisposable>();
        T Keep<T>(T item) where T : IDisposable
        {
            created.Add(item);
            return item;
        }
        LinearWeights Linear(string name, int outFeatures, int inFeatures)
        {
            var shape = new[] { outFeatures, inFeatures };
            var weight = readWeight is null ? read(name + ".weight", shape) : readWeight(name + ".weight", shape);
            if (weight is not null)
                Keep(weight);
            var bias = Keep(read(name + ".bias", new[] { outFeatures }));
            // The layer takes over the tensors kept above (disposing one twice is harmless).
            return Keep(weight is null ? LinearWeights.WithoutWeight(name, outFeatures, inFeatures, bias) : new LinearWeights(name, weight, bias));
        }
        try
        {
            Tensor posEmbed;
            if (hasPosEmbed)
                posEmbed = Keep(read(DitKeys.PosEmbed, new[] { model.Tokens, d }));
            else
            {
                posEmbed = Keep(Tensor.Empty(model.Tokens, d));
                backend.SinCosPositionalEmbedding(model.LatentSize / p, posEmbed);
            }
            // The conv weight [D, C, p, p] is row-major over (C, ky, kx): read it directly as [D, C·p·p].
            var patch = Linear("x_embedder.proj", d, model.InChannels * p * p);
            var time0 = Linear("t_embedder.mlp.0", d, FrequencySize);
            var time2 = Linear("t_embedder.mlp.2", d, d);
            var labels = Keep(read("y_embedder.embedding_table.weight", new[] { model.NumClasses + 1, d }));
            var blocks = new DitBlockWeights[model.Depth];
            for (var i = 0; i < model.Depth; i++)
            {
                var b = $"blocks.{i}.";
                blocks[i] = new DitBlockWeights(
                    Linear(b + "attn.qkv", 3 * d, d), Linear(b + "attn.proj", d, d),
                    Linear(b + "mlp.fc1", model.MlpHidden, d), Linear(b + "mlp.fc2", d, model.MlpHidden),
                    Linear(b + "adaLN_modulation.1", 6 * d, d));
            }
            var finalAdaLN = Linear("final_layer.adaLN_modulation.1", 2 * d, d);
            var finalLinear = Linear("final_layer.linear", p * p * model.OutChannels, d);
            return new DitWeights(model, posEmbed, patch, time0, time2, labels, blocks, finalAdaLN, finalLinear);
        }
        catch
        {
            foreach (var item in created)
                item.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        PosEmbed.Dispose();
        Patch.Dispose();
        TimeMlp0.Dispose();
        TimeMlp2.Dispose();
        LabelTable.Dispose();
        foreach (var block in Blocks)
            block.Dispose();
        FinalAdaLN.Dispose();
        FinalLinear.Dispose();
    }
}
