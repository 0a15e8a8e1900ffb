using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Checks of the attention head layouts and of classifier-free guidance.</summary>
internal static partial class TensorChecks
{
    /// <summary>SplitHeads: qkv [N, T, 3·H·hd] into q, k and v [N, H, T, hd]; returns (N, H, T, hd).</summary>
    public static (int N, int Heads, int Tokens, int HeadWidth) SplitHeads(string op, Tensor qkv, Tensor q, Tensor k, Tensor v)
    {
        Float32(op, qkv);
        Float32(op, q);
        Float32(op, k);
        Float32(op, v);
        Rank(op, q, 4);
        SameShape(op, q, k);
        SameShape(op, q, v);
        int n = q.Shape[0], heads = q.Shape[1], t = q.Shape[2], hd = q.Shape[3];
        if (!HasShape(qkv, n, t, 3 * heads * hd))
            throw new ShapeMismatchException(op, qkv.Shape, q.Shape, "qkv must be [N, T, 3·H·hd] for heads [N, H, T, hd]");
        return (n, heads, t, hd);
    }

    /// <summary>MergeHeads: heads [N, H, T, hd] into merged [N, T, H·hd]; returns (N, H, T, hd).</summary>
    public static (int N, int Heads, int Tokens, int HeadWidth) MergeHeads(string op, Tensor heads, Tensor merged)
    {
        Float32(op, heads);
        Float32(op, merged);
        Rank(op, heads, 4);
        int n = heads.Shape[0], h = heads.Shape[1], t = heads.Shape[2], hd = heads.Shape[3];
        if (!HasShape(merged, n, t, h * hd))
            throw new ShapeMismatchException(op, heads.Shape, merged.Shape, "merged must be [N, T, H·hd] for heads [N, H, T, hd]");
        return (n, h, t, hd);
    }

    /// <summary>Fused attention: qkv [N, T, 3D] into merged [N, T, D] with D = heads·hd; returns (N, T, hd).</summary>
    public static (int N, int Tokens, int HeadWidth) FusedAttention(string op, Tensor qkv, int heads, Tensor merged)
    {
        Float32(op, qkv);
        Float32(op, merged);
        Rank(op, merged, 3);
        int n = merged.Shape[0], t = merged.Shape[1], d = merged.Shape[2];
        if (heads <= 0 || d % heads != 0)
            throw new System.ArgumentException($"{op}: {heads} heads do not divide the {d} channels of merged {merged.Shape}");
        if (!HasShape(qkv, n, t, 3 * d))
            throw new ShapeMismatchException(op, qkv.Shape, merged.Shape, "qkv must be [N, T, 3D] for merged [N, T, D]");
        return (n, t, d / heads);
    }

    /// <summary>ClassifierFreeGuidance: combined [2N, C, ...] into output [N, C, ...]; returns (N, C, positions per channel).</summary>
    public static (int Samples, int Channels, int Positions) ClassifierFreeGuidance(string op, Tensor combined, Tensor output)
    {
        Float32(op, combined);
        Float32(op, output);
        var valid = combined.Rank >= 2 && output.Rank == combined.Rank && combined.Shape[0] == 2 * output.Shape[0]
            && combined.Shape.Product(1, combined.Rank) == output.Shape.Product(1, output.Rank) && combined.Shape[1] == output.Shape[1];
        ShapeMismatchException.ThrowUnless(valid, op, combined.Shape, output.Shape, "combined must be [2N, C, ...] for an output [N, C, ...]");
        return (output.Shape[0], output.Shape[1], (int)output.Shape.Product(2, output.Rank));
    }
}
