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
        Patching.Patchify(latent.Float32ReadPointer, output.Float32Pointer, n, c, h, w, patchSize);
    }

    public void Unpatchify(Tensor tokens, int patchSize, Tensor output)
    {
        var (n, c, h, w) = TensorChecks.Unpatchify(nameof(Unpatchify), tokens, patchSize, output);
        Patching.Unpatchify(tokens.Float32ReadPointer, output.Float32Pointer, n, c, h / patchSize, w / patchSize, patchSize);
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
        Embeddings.Timestep(timesteps.Float32ReadPointer, output.Float32Pointer, count, width, maxPeriod);
    }

    public void EmbeddingLookup(Tensor table, Tensor ids, Tensor output)
    {
        var (_, width, count) = TensorChecks.EmbeddingLookup(nameof(EmbeddingLookup), table, ids, output);
        Embeddings.Lookup(table.Float32ReadPointer, width, (int*)ids.ReadAddress, count, output.Float32Pointer);
    }

    /// <summary>Copies between the parts and the whole, row by row (see <see cref="TensorChecks.Concatenation"/>).</summary>
    private static void ConcatOrSplit(string op, Tensor whole, int axis, IReadOnlyList<Tensor> parts, bool intoWhole)
    {
        var (outer, wholeRowBytes, rowBytes) = TensorChecks.Concatenation(op, whole, axis, parts, intoWhole);
        Span<nint> addresses = parts.Count <= 16 ? stackalloc nint[parts.Count] : new nint[parts.Count];
        for (var i = 0; i < parts.Count; i++)
            addresses[i] = intoWhole ? parts[i].ReadAddress : parts[i].Address;
        Concatenation.Copy((byte*)(intoWhole ? whole.Address : whole.ReadAddress), outer, wholeRowBytes, addresses, rowBytes, intoWhole);
    }
}
