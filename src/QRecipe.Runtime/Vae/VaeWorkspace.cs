using System;
using System.Collections.Generic;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Vae;

/// <summary>
/// The buffers of one image's decode at one latent size, allocated once and reused for every image and call. Three
/// flat buffers as large as the largest feature map hold the running map and two temporaries; each stage looks at
/// them through views of its own shape, made on first use and cached, so a warmed-up decode allocates no tensors.
/// The attention's keys, values and scores have their own buffers at the mid-block size.
/// </summary>
internal sealed class VaeWorkspace : IDisposable
{
    private readonly Tensor[] _buffers;
    private readonly Dictionary<(int Buffer, int A, int B, int C), Tensor> _views = new();
    private readonly List<Tensor> _owned = new();

    public VaeWorkspace(VaeConfig config, int height, int width)
    {
        Height = height;
        Width = width;
        // The largest map is the input or output of some up block's first resnet (an upsampled map is the next
        // block's input; the mid block and conv_norm_out work at sizes of up blocks 0 and L − 1).
        long largest = 0;
        for (var block = 0; block < config.Levels; block++)
        {
            var area = (long)height * width << (2 * block);
            largest = Math.Max(largest, Math.Max(VaeKeys.UpResnetInput(config, block, 0), config.UpBlockChannels(block)) * area);
        }
        if (largest > int.MaxValue)
            throw new ArgumentException($"a {height}x{width} latent needs feature maps of {largest} values, more than one tensor can hold");
        _buffers = [Own(Tensor.Empty((int)largest)), Own(Tensor.Empty((int)largest)), Own(Tensor.Empty((int)largest))];
        int tokens = height * width, mid = config.MidChannels;
        Latent = Own(Tensor.Empty(1, config.LatentChannels, height, width));
        Keys = Own(Tensor.Empty(1, tokens, mid));
        Values = Own(Tensor.Empty(1, tokens, mid));
        Scores = Own(Tensor.Empty(1, tokens, tokens));
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>post_quant_conv's output [1, latent, h, w].</summary>
    public Tensor Latent { get; }

    public Tensor Keys { get; }

    public Tensor Values { get; }

    /// <summary>[1, h·w, h·w].</summary>
    public Tensor Scores { get; }

    /// <summary>Buffer <paramref name="buffer"/> (0: the running map, 1 and 2: temporaries) as [1, c, h, w].</summary>
    public Tensor Map(int buffer, int c, int h, int w) => View(buffer, c, h, w);

    /// <summary>Buffer <paramref name="buffer"/> as [1, rows, columns] (tokens × channels or channels × positions).</summary>
    public Tensor Rows(int buffer, int rows, int columns) => View(buffer, rows, columns, -1);

    private Tensor View(int buffer, int a, int b, int c)
    {
        if (_views.TryGetValue((buffer, a, b, c), out var view))
            return view;
        var count = a * b * (c < 0 ? 1 : c);
        using (var prefix = _buffers[buffer].Slice(0, count))
            view = c < 0 ? prefix.Reshape(1, a, b) : prefix.Reshape(1, a, b, c);
        _views.Add((buffer, a, b, c), view);
        return Own(view);
    }

    private Tensor Own(Tensor tensor)
    {
        _owned.Add(tensor);
        return tensor;
    }

    public void Dispose()
    {
        foreach (var tensor in _owned)
            tensor.Dispose();
        _owned.Clear();
        _views.Clear();
    }
}
