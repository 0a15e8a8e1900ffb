using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Dit;

/// <summary>One linear layer's parameters: weight [out, in] (docs/dit.md) and bias [out]. A run whose every cell of
/// the layer multiplies by a quantized copy releases the float weight (<see cref="ReleaseWeight"/>), so the model
/// holds one copy of it; the bias and the shape stay.</summary>
public sealed class LinearWeights : IDisposable
{
    private Tensor? _weight;

    public LinearWeights(string name, Tensor weight, Tensor bias)
    {
        if (weight.Rank != 2 || bias.Rank != 1 || bias.Shape[0] != weight.Shape[0])
            throw new ShapeMismatchException(name, weight.Shape, bias.Shape, "a linear layer needs weight [out, in] and bias [out]");
        Name = name;
        _weight = weight;
        Bias = bias;
        OutFeatures = weight.Shape[0];
        InFeatures = weight.Shape[1];
    }

    /// <summary>A layer whose float weight is not held (an exported model's layer that every cell multiplies by a
    /// quantized version); only its shape and bias.</summary>
    public static LinearWeights WithoutWeight(string name, int outFeatures, int inFeatures, Tensor bias)
    {
        if (bias.Rank != 1 || bias.Shape[0] != outFeatures)
            throw new ShapeMismatchException(name, new TensorShape(outFeatures, inFeatures), bias.Shape, "a linear layer needs weight [out, in] and bias [out]");
        return new LinearWeights(name, outFeatures, inFeatures, bias);
    }

    private LinearWeights(string name, int outFeatures, int inFeatures, Tensor bias)
    {
        Name = name;
        Bias = bias;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
    }

    /// <summary>The checkpoint name without <c>.weight</c>/<c>.bias</c>, e.g. <c>blocks.3.attn.qkv</c>.</summary>
    public string Name { get; }

    /// <summary>The float weight; after <see cref="ReleaseWeight"/> reading it is a programming error.</summary>
    public Tensor Weight => _weight ?? throw new InvalidOperationException($"{Name}: the float weight was released after quantization");

    /// <summary>Whether the float weight is still held.</summary>
    public bool HoldsWeight => _weight is not null;

    public Tensor Bias { get; }

    public int OutFeatures { get; }

    public int InFeatures { get; }

    /// <summary>Bytes of float parameters held: the weight while it is held, and the bias.</summary>
    public long FloatBytes => (_weight is null ? 0 : _weight.ElementCount * sizeof(float)) + Bias.ElementCount * sizeof(float);

    /// <summary>Frees the float weight; every later product must use a quantized copy.</summary>
    public void ReleaseWeight()
    {
        _weight?.Dispose();
        _weight = null;
    }

    public void Dispose()
    {
        ReleaseWeight();
        Bias.Dispose();
    }
}
