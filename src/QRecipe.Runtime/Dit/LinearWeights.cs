using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>One linear layer's parameters: weight [out, in] (docs/dit.md) and bias [out].</summary>
public sealed class LinearWeights : IDisposable
{
    public LinearWeights(string name, Tensor weight, Tensor bias)
    {
        if (weight.Rank != 2 || bias.Rank != 1 || bias.Shape[0] != weight.Shape[0])
            throw new ShapeMismatchException(name, weight.Shape, bias.Shape, "a linear layer needs weight [out, in] and bias [out]");
        Name = name;
        Weight = weight;
        Bias = bias;
    }

    /// <summary>The checkpoint name without <c>.weight</c>/<c>.bias</c>, e.g. <c>blocks.3.attn.qkv</c>.</summary>
    public string Name { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public int OutFeatures => Weight.Shape[0];

    public int InFeatures => Weight.Shape[1];

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
