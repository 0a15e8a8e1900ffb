using System;
using System.Collections.Generic;
using QRecipe.Runtime.Backends.Cpu.Ops;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends.Cpu;

/// <summary>Operations that move data: concatenation and splitting, patches, embeddings.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor output) => ConcatOrSplit(nameof(Concat), output, axis, inputs, intoWhole: true);

    public void Split(Tensor input, int axis, IReadOnlyList<Tensor> outputs) => ConcatOrSplit(nameof(Split), input, axis, outputs, intoWhole: false);

    public void Patchify(Tensor latent, int patchSize, Tensor output)
    {
        const string op = nameof(Patchify);
        var (n, c, h, w) = TensorChecks.Patchify(op, latent, patchSize, output);
        Patching.Patchify(latent.Float32Pointer, output.Float32Pointer, n, c, h, w, patchSize);
    }

    public void Unpatchify(Tensor tokens, int patchSize, Tensor output)
    {
        var (n, c, h, w) = TensorChecks.Unpatchify(nameof(Unpatchify), tokens, patchSize, output);
        Patching.Unpatchify(tokens.Float32Pointer, output.Float32Pointer, n, c, h / patchSize, w / patchSize, patchSize);
    }

    public void SinCosPositionalEmbedding(int gridSize, Tensor output)
    {
        const string op = nameof(SinCosPositionalEmbedding);
        TensorChecks.Float32(op, output);
        var valid = output.Rank == 2 && output.Shape[0] == gridSize * gridSize && output.Shape[1] % 4 == 0;
        ShapeMismatchException.ThrowUnless(valid, op, new TensorShape(gridSize * gridSize, output.Shape.Last), output.Shape, "output must be [G·G, D] with D a multiple of 4");
        Embeddings.SinCosPositional(output.Float32Pointer, gridSize, output.Shape[1]);
    }

    public void TimestepEmbedding(Tensor timesteps, Tensor output, float maxPeriod = 10000f)
    {
        var (count, width) = TensorChecks.TimestepEmbedding(nameof(TimestepEmbedding), timesteps, output);
        Embeddings.Timestep(timesteps.Float32Pointer, output.Float32Pointer, count, width, maxPeriod);
    }

    public void EmbeddingLookup(Tensor table, Tensor ids, Tensor output)
    {
        var (_, width, count) = TensorChecks.EmbeddingLookup(nameof(EmbeddingLookup), table, ids, output);
        Embeddings.Lookup(table.Float32Pointer, width, (int*)ids.Address, count, output.Float32Pointer);
    }

    /// <summary>Viewed around the axis each tensor is [outer, size·inner]; the parts' sizes must add up to the whole's.</summary>
    private static void ConcatOrSplit(string op, Tensor whole, int axis, IReadOnlyList<Tensor> parts, bool intoWhole)
    {
        var a = TensorChecks.Axis(op, whole, axis);
        if (parts.Count == 0)
            throw new ArgumentException($"{op}: no tensors to {(intoWhole ? "concatenate" : "split into")}");
        var total = 0;
        Span<nint> addresses = parts.Count <= 16 ? stackalloc nint[parts.Count] : new nint[parts.Count];
        Span<long> rowBytes = parts.Count <= 16 ? stackalloc long[parts.Count] : new long[parts.Count];
        var elementSize = whole.DataType.SizeInBytes();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var fits = part.DataType == whole.DataType && part.Rank == whole.Rank;
            for (var d = 0; fits && d < whole.Rank; d++)
                fits = d == a || part.Shape[d] == whole.Shape[d];
            if (!fits)
                throw new ShapeMismatchException(op, part.Shape, whole.Shape, $"every axis but {a} must match (and the element types)");
            total += part.Shape[a];
            addresses[i] = part.Address;
            rowBytes[i] = part.Shape.Product(a, part.Rank) * elementSize;
        }

        if (total != whole.Shape[a])
            throw new ShapeMismatchException(op, parts[0].Shape, whole.Shape, $"sizes along axis {a} add up to {total}, not {whole.Shape[a]}");
        Concatenation.Copy((byte*)whole.Address, whole.Shape.Product(0, a), whole.Shape.Product(a, whole.Rank) * elementSize, addresses, rowBytes, intoWhole);
    }
}
