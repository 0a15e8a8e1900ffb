using System;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Vae;

/// <summary>
/// The AutoencoderKL decoder (docs/vae.md) on any <see cref="ITensorBackend"/>: latents as the diffusion model samples
/// them are divided by the latent scale, then post_quant_conv, conv_in, the mid block (resnet, attention, resnet),
/// the up blocks, GroupNorm, SiLU and conv_out give images in about [−1, 1]. Images are decoded one at a time, so
/// memory is that of one image's feature maps whatever the batch; the buffers are kept per latent size.
/// </summary>
public sealed class VaeDecoder : IDisposable
{
    private const float NormEpsilon = 1e-6f;

    private readonly ITensorBackend _backend;
    private readonly bool _ownsWeights;
    private VaeWorkspace? _workspace;

    public VaeDecoder(VaeWeights weights, ITensorBackend backend)
        : this(weights, backend, ownsWeights: false)
    {
    }

    private VaeDecoder(VaeWeights weights, ITensorBackend backend, bool ownsWeights)
    {
        Weights = weights;
        _backend = backend;
        _ownsWeights = ownsWeights;
    }

    public VaeWeights Weights { get; }

    public VaeConfig Config => Weights.Config;

    /// <summary>Loads a diffusers AutoencoderKL file (<see cref="VaeWeights.Load"/>); the decoder owns the weights.</summary>
    public static VaeDecoder Load(string path, ITensorBackend backend) => new(VaeWeights.Load(path), backend, ownsWeights: true);

    /// <summary>latents [N, latent, h, w] → images [N, out, h·f, w·f] with f = <see cref="VaeConfig.UpscaleFactor"/>.</summary>
    public void Decode(Tensor latents, Tensor images)
    {
        var c = Config;
        ShapeMismatchException.ThrowUnless(latents.Rank == 4 && latents.Shape[1] == c.LatentChannels, "VAE decode", latents.Shape, images.Shape,
            $"latents must be [N, {c.LatentChannels}, h, w]");
        int n = latents.Shape[0], h = latents.Shape[2], w = latents.Shape[3], f = c.UpscaleFactor;
        var expected = new TensorShape(n, c.OutChannels, h * f, w * f);
        ShapeMismatchException.ThrowUnless(images.Shape.Equals(expected), "VAE decode", expected, images.Shape, $"images must be [N, {c.OutChannels}, {f}·h, {f}·w]");
        if (_workspace is null || _workspace.Height != h || _workspace.Width != w)
        {
            _workspace?.Dispose();
            _workspace = new VaeWorkspace(c, h, w);
        }
        for (var i = 0; i < n; i++)
        {
            using var latent = latents.Slice(i, 1);
            using var image = images.Slice(i, 1);
            DecodeOne(latent, image, _workspace);
        }
    }

    private void DecodeOne(Tensor latent, Tensor image, VaeWorkspace ws)
    {
        var wt = Weights;
        int h = ws.Height, w = ws.Width, mid = Config.MidChannels;
        Conv(latent, wt.PostQuantConv, ws.Latent);
        var x = ws.Map(0, mid, h, w);
        Conv(ws.Latent, wt.ConvIn, x);
        x = Resnet(wt.MidResnet0, x, ws);
        Attention(wt.Attention, x, ws);
        x = Resnet(wt.MidResnet1, x, ws);
        foreach (var block in wt.UpBlocks)
        {
            foreach (var resnet in block.Resnets)
                x = Resnet(resnet, x, ws);
            if (block.Upsampler is { } upsampler)
            {
                int channels = x.Shape[1];
                h *= 2;
                w *= 2;
                var upsampled = ws.Map(1, channels, h, w);
                _backend.UpsampleNearest2x(x, upsampled);
                x = ws.Map(0, channels, h, w);
                Conv(upsampled, upsampler, x);
            }
        }
        var normalized = ws.Map(1, x.Shape[1], h, w);
        Norm(x, wt.NormOut, normalized);
        _backend.Silu(normalized, normalized);
        Conv(normalized, wt.ConvOut, image);
    }

    /// <summary>x (buffer 0, [1, Cin, H, W]) → the block's output, again in buffer 0.</summary>
    private Tensor Resnet(VaeResnet resnet, Tensor x, VaeWorkspace ws)
    {
        int cin = x.Shape[1], cout = resnet.OutChannels, h = x.Shape[2], w = x.Shape[3];
        var a = ws.Map(1, cin, h, w);
        Norm(x, resnet.Norm1, a);
        _backend.Silu(a, a);
        var b = ws.Map(2, cout, h, w);
        Conv(a, resnet.Conv1, b);
        a = ws.Map(1, cout, h, w);
        Norm(b, resnet.Norm2, a);
        _backend.Silu(a, a);
        Conv(a, resnet.Conv2, b);
        var output = ws.Map(0, cout, h, w);
        if (resnet.Shortcut is { } shortcut)
        {
            // The input is read by the shortcut before the sum overwrites it.
            Conv(x, shortcut, a);
            _backend.Add(a, b, output);
        }
        else
        {
            _backend.Add(x, b, output);
        }
        return output;
    }

    /// <summary>Single-head attention over the H·W positions of x (buffer 0), added to x in place.</summary>
    private void Attention(VaeAttention attention, Tensor x, VaeWorkspace ws)
    {
        int c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], tokens = h * w;
        var normalized = ws.Map(1, c, h, w);
        Norm(x, attention.Norm, normalized);
        var tokenRows = ws.Rows(2, tokens, c);
        _backend.TransposeLastTwo(ws.Rows(1, c, tokens), tokenRows);
        var queries = ws.Rows(1, tokens, c);
        _backend.Linear(tokenRows, attention.Query.Weight, attention.Query.Bias, queries);
        _backend.Linear(tokenRows, attention.Key.Weight, attention.Key.Bias, ws.Keys);
        _backend.Linear(tokenRows, attention.Value.Weight, attention.Value.Bias, ws.Values);
        _backend.BatchedMatMul(queries, ws.Keys, ws.Scores, transposeB: true, alpha: 1f / MathF.Sqrt(c));
        _backend.Softmax(ws.Scores, ws.Scores);
        var mixed = ws.Rows(2, tokens, c);
        _backend.BatchedMatMul(ws.Scores, ws.Values, mixed);
        var projected = ws.Rows(1, tokens, c);
        _backend.Linear(mixed, attention.Output.Weight, attention.Output.Bias, projected);
        var back = ws.Rows(2, c, tokens);
        _backend.TransposeLastTwo(projected, back);
        var residual = ws.Rows(0, c, tokens);
        _backend.Add(residual, back, residual);
    }

    private void Conv(Tensor input, VaeLayer layer, Tensor output) => _backend.Conv2d(input, layer.Weight, layer.Bias, output);

    private void Norm(Tensor input, VaeLayer layer, Tensor output) =>
        _backend.GroupNorm(input, Config.NormGroups, layer.Weight, layer.Bias, output, NormEpsilon);

    public void Dispose()
    {
        _workspace?.Dispose();
        _workspace = null;
        if (_ownsWeights)
            Weights.Dispose();
    }
}
