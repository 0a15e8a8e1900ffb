using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Conveniences that allocate their results, built on the <see cref="ITensorBackend"/> operations.</summary>
public static class TensorBackendExtensions
{
    /// <summary>Splits <paramref name="input"/> into <paramref name="chunks"/> equal new tensors along <paramref name="axis"/>
    /// (TorchSharp's chunk; e.g. the six adaLN chunks of a DiT block). The caller disposes them.</summary>
    public static Tensor[] Chunk(this ITensorBackend backend, Tensor input, int chunks, int axis)
    {
        var size = input.Shape[axis];
        if (chunks <= 0 || size % chunks != 0)
            throw new ShapeMismatchException(nameof(Chunk), input.Shape, new TensorShape(chunks), $"axis {axis} of size {size} must divide into {chunks} equal chunks");
        var outputs = new Tensor[chunks];
        for (var i = 0; i < chunks; i++)
            outputs[i] = Tensor.Empty(input.Shape.With(axis < 0 ? axis + input.Rank : axis, size / chunks), input.DataType);
        backend.Split(input, axis, outputs);
        return outputs;
    }
}
