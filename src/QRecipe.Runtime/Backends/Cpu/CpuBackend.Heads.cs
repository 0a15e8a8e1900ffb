using System;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Attention head layouts, copies, fills and guidance.</summary>
public sealed unsafe partial class CpuBackend
{
    public void SplitHeads(Tensor qkv, Tensor q, Tensor k, Tensor v)
    {
        const string op = nameof(SplitHeads);
        TensorChecks.Float32(op, qkv);
        TensorChecks.Rank(op, q, 4);
        TensorChecks.SameShape(op, q, k);
        TensorChecks.SameShape(op, q, v);
        int n = q.Shape[0], heads = q.Shape[1], t = q.Shape[2], hd = q.Shape[3];
        ShapeMismatchException.ThrowUnless(qkv.Shape.Equals(new TensorShape(n, t, 3 * heads * hd)), op, qkv.Shape, q.Shape, "qkv must be [N, T, 3·H·hd] for heads [N, H, T, hd]");
        var width = 3 * heads * hd;
        var index = 0;
        foreach (var target in new[] { q, k, v })
        {
            TensorChecks.Float32(op, target);
            Heads.Gather(qkv.Float32Pointer, width, index++ * heads * hd, target.Float32Pointer, n, heads, t, hd);
        }
    }

    public void MergeHeads(Tensor heads, Tensor merged)
    {
        const string op = nameof(MergeHeads);
        TensorChecks.Float32(op, heads);
        TensorChecks.Float32(op, merged);
        TensorChecks.Rank(op, heads, 4);
        int n = heads.Shape[0], h = heads.Shape[1], t = heads.Shape[2], hd = heads.Shape[3];
        ShapeMismatchException.ThrowUnless(merged.Shape.Equals(new TensorShape(n, t, h * hd)), op, heads.Shape, merged.Shape, "merged must be [N, T, H·hd] for heads [N, H, T, hd]");
        Heads.Scatter(heads.Float32Pointer, merged.Float32Pointer, n, h, t, hd);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        TensorChecks.SameShape(nameof(Copy), source, destination);
        if (source.DataType != destination.DataType)
            throw new ArgumentException($"{nameof(Copy)}: {source.DataType.Name()} {source.Shape} cannot be copied into {destination.DataType.Name()} {destination.Shape}");
        var bytes = source.ElementCount * source.DataType.SizeInBytes();
        Buffer.MemoryCopy((void*)source.Address, (void*)destination.Address, bytes, bytes);
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
        const string op = nameof(ClassifierFreeGuidance);
        TensorChecks.Float32(op, combined);
        TensorChecks.Float32(op, output);
        var valid = combined.Rank >= 2 && output.Rank == combined.Rank && combined.Shape[0] == 2 * output.Shape[0]
            && combined.Shape.Product(1, combined.Rank) == output.Shape.Product(1, output.Rank) && combined.Shape[1] == output.Shape[1];
        ShapeMismatchException.ThrowUnless(valid, op, combined.Shape, output.Shape, "combined must be [2N, C, ...] for an output [N, C, ...]");
        int samples = output.Shape[0], channels = output.Shape[1];
        Guidance.Apply(combined.Float32Pointer, output.Float32Pointer, samples, channels, (int)output.Shape.Product(2, output.Rank), guidedChannels, scale);
    }
}
