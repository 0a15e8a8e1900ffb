using System;
using System.Collections.Generic;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Checkpoints;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Vae;

/// <summary>
/// All parameters of an AutoencoderKL decoder, as tensors. The latent scale is folded into post_quant_conv's weight
/// at load time: conv(z / s) = (W / s)·z + b, so decoding needs no separate scaling pass over the latents.
/// </summary>
public sealed class VaeWeights : IDisposable
{
    private readonly List<IDisposable> _parts;

    private VaeWeights(VaeConfig config, List<IDisposable> parts, VaeLayer postQuantConv, VaeLayer convIn, VaeResnet mid0, VaeAttention attention,
        VaeResnet mid1, VaeUpBlock[] upBlocks, VaeLayer normOut, VaeLayer convOut)
    {
        Config = config;
        _parts = parts;
        PostQuantConv = postQuantConv;
        ConvIn = convIn;
        MidResnet0 = mid0;
        Attention = attention;
        MidResnet1 = mid1;
        UpBlocks = upBlocks;
        NormOut = normOut;
        ConvOut = convOut;
    }

    public VaeConfig Config { get; }

    /// <summary>post_quant_conv with its weight divided by the latent scale.</summary>
    public VaeLayer PostQuantConv { get; }

    public VaeLayer ConvIn { get; }

    public VaeResnet MidResnet0 { get; }

    public VaeAttention Attention { get; }

    public VaeResnet MidResnet1 { get; }

    /// <summary>Coarsest first, as they run.</summary>
    public IReadOnlyList<VaeUpBlock> UpBlocks { get; }

    public VaeLayer NormOut { get; }

    public VaeLayer ConvOut { get; }

    /// <summary>Loads the decoder of a diffusers AutoencoderKL .safetensors (or .pt) file; the encoder half, if
    /// present, is skipped. Throws <see cref="CheckpointException"/> (one line) naming the file and every kind of problem,
    /// a NaN or infinite weight included.</summary>
    public static VaeWeights Load(string path)
    {
        using var checkpoint = Checkpoint.Open(path);
        var decoder = VaeLayout.ToDecoder(path, checkpoint.Tensors);
        var config = VaeLayout.Configuration(path, decoder);
        var report = VaeLayout.Validate(decoder, config);
        if (!report.IsValid)
            throw new CheckpointException(path, $"not an AutoencoderKL decoder ({config}) in the diffusers layout: {VaeLayout.Summary(report)}");
        return Build(config, (name, shape) =>
        {
            var tensor = Tensor.Empty(new TensorShape(shape));
            decoder[name].CopyFiniteTo(tensor.AsSpan<float>(), path);
            return tensor;
        });
    }

    /// <summary>Seeded random weights of <paramref name="config"/> (for benchmarks and tests without a file): weights
    /// N(0, 1/fan-in), GroupNorm scales N(1, 0.1²), biases N(0, 0.05²); tensor i in <see cref="VaeKeys.Expected"/>
    /// order from Philox stream i of the seed.</summary>
    public static VaeWeights Synthetic(VaeConfig config, ITensorBackend backend, ulong seed)
    {
        config.Validate();
        ulong stream = 0;
        return Build(config, (name, shape) =>
        {
            var tensor = Tensor.Empty(new TensorShape(shape));
            var norm = name.Contains("norm", StringComparison.Ordinal);
            var bias = name.EndsWith(".bias", StringComparison.Ordinal);
            float mean = norm && !bias ? 1f : 0f, std = bias ? 0.05f : norm ? 0.1f : 1f / MathF.Sqrt(tensor.ElementCount / shape[0]);
            backend.RandomNormal(tensor, seed, stream++, mean, std);
            return tensor;
        });
    }

    /// <summary>Reads every tensor in <see cref="VaeKeys.Expected"/> order; on failure frees what was read.</summary>
    private static VaeWeights Build(VaeConfig config, Func<string, int[], Tensor> read)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, shape) in VaeKeys.Expected(config))
            shapes.Add(name, shape);
        var parts = new List<IDisposable>();
        VaeLayer Layer(string name)
        {
            var weight = read(name + ".weight", shapes[name + ".weight"]);
            try
            {
                var layer = new VaeLayer(name, weight, read(name + ".bias", shapes[name + ".bias"]));
                parts.Add(layer);
                return layer;
            }
            catch
            {
                weight.Dispose();
                throw;
            }
        }
        VaeResnet Resnet(string prefix) => new(Layer(prefix + "norm1"), Layer(prefix + "conv1"), Layer(prefix + "norm2"), Layer(prefix + "conv2"),
            shapes.ContainsKey(prefix + "conv_shortcut.weight") ? Layer(prefix + "conv_shortcut") : null);

        try
        {
            var postQuantConv = Layer(VaeKeys.PostQuantConv);
            var scale = 1f / config.ScalingFactor;
            foreach (ref var w in postQuantConv.Weight.AsSpan<float>())
                w *= scale;
            var convIn = Layer(VaeKeys.ConvIn);
            var mid0 = Resnet(VaeKeys.MidResnet(0));
            var a = VaeKeys.Attention;
            var p = VaeKeys.AttentionProjections;
            var attention = new VaeAttention(Layer(a + "group_norm"), Layer(a + p[0]), Layer(a + p[1]), Layer(a + p[2]), Layer(a + p[3]));
            var mid1 = Resnet(VaeKeys.MidResnet(1));
            var upBlocks = new VaeUpBlock[config.Levels];
            for (var block = 0; block < config.Levels; block++)
            {
                var resnets = new VaeResnet[config.ResnetsPerUpBlock];
                for (var index = 0; index < resnets.Length; index++)
                    resnets[index] = Resnet(VaeKeys.UpResnet(block, index));
                upBlocks[block] = new VaeUpBlock(resnets, block < config.Levels - 1 ? Layer(VaeKeys.Upsampler(block)) : null);
            }
            var normOut = Layer(VaeKeys.NormOut);
            var convOut = Layer(VaeKeys.ConvOut);
            return new VaeWeights(config, parts, postQuantConv, convIn, mid0, attention, mid1, upBlocks, normOut, convOut);
        }
        catch
        {
            foreach (var part in parts)
                part.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var part in _parts)
            part.Dispose();
        _parts.Clear();
    }
}
