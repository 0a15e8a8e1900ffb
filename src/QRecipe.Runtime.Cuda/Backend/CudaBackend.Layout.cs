using System;
using QRecipe.Runtime.Backends;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Cuda.Backend;

/// <summary>Layouts, embeddings, image operations, reductions and random fills on the device (Kernels/layout.cu,
/// rows.cu, elementwise.cu, random.cu).</summary>
public sealed partial class CudaBackend
{
    public void SplitHeads(Tensor qkv, Tensor q, Tensor k, Tensor v)
    {
        var (_, heads, t, hd) = TensorChecks.SplitHeads(nameof(SplitHeads), qkv, q, k, v);
        var source = In(qkv);
        var index = 0;
        foreach (var target in new[] { q, k, v })
            device.LaunchElements(Layout, "gather_heads", target.ElementCount, new KernelArguments().ULong(source).ULong(Out(target))
                .Int(heads).Int(t).Int(hd).Int(index++ * heads * hd).Long(target.ElementCount));
    }

    public void MergeHeads(Tensor heads, Tensor merged)
    {
        var (_, h, t, hd) = TensorChecks.MergeHeads(nameof(MergeHeads), heads, merged);
        Map(Layout, "merge_heads", [heads], merged, new KernelArguments().Int(h).Int(t).Int(hd).Long(merged.ElementCount));
    }

    public void Patchify(Tensor latent, int patchSize, Tensor output)
    {
        const string op = nameof(Patchify);
        var (_, c, h, w) = TensorChecks.Patchify(op, latent, patchSize, output);
        Map(Layout, "patchify", [latent], output, new KernelArguments().Int(c).Int(h).Int(w).Int(patchSize).Long(output.ElementCount));
    }

    public void Unpatchify(Tensor tokens, int patchSize, Tensor output)
    {
        var (_, c, h, w) = TensorChecks.Unpatchify(nameof(Unpatchify), tokens, patchSize, output);
        Map(Layout, "unpatchify", [tokens], output, new KernelArguments().Int(c).Int(h / patchSize).Int(w / patchSize).Int(patchSize).Long(output.ElementCount));
    }

    public void TimestepEmbedding(Tensor timesteps, Tensor output, float maxPeriod = 10000f)
    {
        var (_, width) = TensorChecks.TimestepEmbedding(nameof(TimestepEmbedding), timesteps, output);
        Map(Layout, "timestep_embedding", [timesteps], output,
            new KernelArguments().Int(width).Float((float)-Math.Log(maxPeriod)).Long(output.ElementCount));
    }

    public void EmbeddingLookup(Tensor table, Tensor ids, Tensor output)
    {
        var (_, width, _) = TensorChecks.EmbeddingLookup(nameof(EmbeddingLookup), table, ids, output);
        Map(Layout, "embedding_lookup", [table, ids], output, new KernelArguments().Int(width).Long(output.ElementCount));
    }

    public void TransposeLastTwo(Tensor input, Tensor output)
    {
        var (_, rows, columns) = TensorChecks.TransposeLastTwo(nameof(TransposeLastTwo), input, output);
        Map(Layout, "transpose_last_two", [input], output, new KernelArguments().Int(rows).Int(columns).Long(output.ElementCount));
    }

    public void UpsampleNearest2x(Tensor input, Tensor output)
    {
        var (planes, h, w) = TensorChecks.UpsampleNearest2x(nameof(UpsampleNearest2x), input, output);
        Map(Elementwise, "upsample_nearest2x", [input], output, new KernelArguments().Int(h).Int(w).Long(planes));
    }

    public void GroupNorm(Tensor input, int groups, Tensor weight, Tensor bias, Tensor output, float epsilon = 1e-6f)
    {
        var (n, channels, positions) = TensorChecks.GroupNorm(nameof(GroupNorm), input, groups, weight, bias, output);
        ulong x = In(input), w = In(weight), b = In(bias);
        device.Launch(Rows, "group_norm", ((uint)(n * groups), 1, 1), (256, 1, 1), 0, new KernelArguments()
            .ULong(x).ULong(w).ULong(b).ULong(Out(output)).Int(channels).Int(positions).Int(groups).Float(epsilon));
    }

    public void ClassifierFreeGuidance(Tensor combined, int guidedChannels, float scale, Tensor output)
    {
        var (samples, channels, positions) = TensorChecks.ClassifierFreeGuidance(nameof(ClassifierFreeGuidance), combined, output);
        Map(Elementwise, "guidance", [combined], output, new KernelArguments().Int(samples).Int(channels).Int(positions).Int(guidedChannels).Float(scale));
    }

    public void AbsMaxPerRow(Tensor input, Tensor output)
    {
        var (_, columns) = TensorChecks.AbsMaxPer(nameof(AbsMaxPerRow), input, output, perRow: true);
        RowKernel("absmax_rows", input, output, new KernelArguments().Int(columns));
    }

    public void AbsMaxPerColumn(Tensor input, Tensor output)
    {
        var (rows, columns) = TensorChecks.AbsMaxPer(nameof(AbsMaxPerColumn), input, output, perRow: false);
        var x = In(input);
        device.Launch(Rows, "absmax_columns", ((uint)((columns + 255) / 256), 1, 1), (256, 1, 1), 0,
            new KernelArguments().ULong(x).ULong(Out(output)).Int(rows).Int(columns));
    }

    /// <summary>One partial count per block on the device; only those (at most 32 per multiprocessor) come back.</summary>
    public long CountNonFinite(Tensor input)
    {
        TensorChecks.Float32(nameof(CountNonFinite), input);
        var n = input.ElementCount;
        var blocks = (int)Math.Clamp((n + 255) / 256, 1, 32L * device.Multiprocessors);
        var x = In(input);
        using var counts = device.Allocate<int>(blocks);
        device.Launch(Rows, "count_nonfinite", ((uint)blocks, 1, 1), (256, 1, 1), 0, new KernelArguments().ULong(x).Pointer(counts).Long(n));
        long total = 0;
        foreach (var count in counts.Download<int>(blocks))
            total += count;
        return total;
    }

    public void RandomNormal(Tensor output, ulong seed, ulong stream = 0, float mean = 0f, float std = 1f)
    {
        TensorChecks.Float32(nameof(RandomNormal), output);
        device.LaunchElements("random.cu", "philox_normal", output.ElementCount,
            new KernelArguments().ULong(Out(output)).Long(output.ElementCount).ULong(seed).ULong(stream).Float(mean).Float(std));
    }
}
