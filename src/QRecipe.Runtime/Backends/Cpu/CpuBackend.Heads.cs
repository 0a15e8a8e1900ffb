using System;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Attention head layouts, copies, fills and guidance.</summary>
public sealed unsafe partial class CpuBackend
{
    public void SplitHeads(Tensor qkv, Tensor q, Tensor k, Tensor v)
    {
        var (n, heads, t, hd) = TensorChecks.SplitHeads(nameof(SplitHeads), qkv, q, k, v);
        var width = 3 * heads * hd;
        Heads.Gather(qkv.Float32ReadPointer, width, 0, q.Float32Pointer, n, heads, t, hd);
        Heads.Gather(qkv.Float32ReadPointer, width, heads * hd, k.Float32Pointer, n, heads, t, hd);
        Heads.Gather(qkv.Float32ReadPointer, width, 2 * heads * hd, v.Float32Pointer, n, heads, t, hd);
    }

    public void MergeHeads(Tensor heads, Tensor merged)
    {
        var (n, h, t, hd) = TensorChecks.MergeHeads(nameof(MergeHeads), heads, merged);
        Heads.Scatter(heads.Float32ReadPointer, merged.Float32Pointer, n, h, t, hd);
    }

    /// <summary>Fused on the CPU (<see cref="FusedAttention"/>): q, k and v are read in place out of qkv and the
    /// output is written merged.</summary>
    public bool TryFusedAttention(Tensor qkv, int heads, float scale, Tensor merged)
    {
        var (n, t, hd) = TensorChecks.FusedAttention(nameof(TryFusedAttention), qkv, heads, merged);
        return FusedAttention.Run(qkv.Float32ReadPointer, merged.Float32Pointer, n, heads, t, hd, scale);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        TensorChecks.SameShape(nameof(Copy), source, destination);
        if (source.DataType != destination.DataType)
            throw new ArgumentException($"{nameof(Copy)}: {source.DataType.Name()} {source.Shape} cannot be copied into {destination.DataType.Name()} {destination.Shape}");
        var bytes = source.ElementCount * source.DataType.SizeInBytes();
        Buffer.MemoryCopy((void*)source.ReadAddress, (void*)destination.Address, bytes, bytes);
    }

    public void Fill(Tensor tensor, double value)
    {
        switch (tensor.DataType)
        {
            case DataType.Float32:
                tensor.AsSpan<float>().Fill((float)value);
                break;
            case DataType.Int8:
                tensor.AsSpan<sbyte>().Fill(checked((sbyte)value));
                break;
            case DataType.Int16:
                tensor.AsSpan<short>().Fill(checked((short)value));
                break;
            default:
                tensor.AsSpan<int>().Fill(checked((int)value));
                break;
        }
    }

    public void ClassifierFreeGuidance(Tensor combined, int guidedChannels, float scale, Tensor output)
    {
        var (samples, channels, positions) = TensorChecks.ClassifierFreeGuidance(nameof(ClassifierFreeGuidance), combined, output);
        Guidance.Apply(combined.Float32ReadPointer, output.Float32Pointer, samples, channels, positions, guidedChannels, scale);
    }
}
