using System;
using QRecipe.Runtime.Tensors;

namespace QRecipe.Runtime.Backends;

/// <summary>Checks of the timestep features and the label-table lookup.</summary>
internal static partial class TensorChecks
{
    /// <summary>TimestepEmbedding: timesteps [N] into output [N, F]; returns (N, F).</summary>
    public static (int Count, int Width) TimestepEmbedding(string op, Tensor timesteps, Tensor output)
    {
        Float32(op, timesteps);
        Float32(op, output);
        var valid = timesteps.Rank == 1 && output.Rank == 2 && output.Shape[0] == timesteps.Shape[0];
        ShapeMismatchException.ThrowUnless(valid, op, timesteps.Shape, output.Shape, "expected timesteps [N] and output [N, F]");
        return (timesteps.Shape[0], output.Shape[1]);
    }

    /// <summary>EmbeddingLookup: a float32 table [V, D], int32 ids of any shape, each in [0, V), and an output of the
    /// ids' shape plus D; returns (V, D, number of ids). The ids are checked here because a device kernel cannot throw.</summary>
    public static (int TableRows, int Width, int Count) EmbeddingLookup(string op, Tensor table, Tensor ids, Tensor output)
    {
        Float32(op, table);
        Float32(op, output);
        Rank(op, table, 2);
        if (ids.DataType != DataType.Int32)
            throw new ArgumentException($"{op}: ids {ids.Shape} are {ids.DataType.Name()}, expected int32");
        int rows = table.Shape[0], width = table.Shape[1];
        if (output.Rank != ids.Rank + 1 || !SameLeading(output, ids, ids.Rank) || output.Shape[ids.Rank] != width)
            throw new ShapeMismatchException(op, new TensorShape([.. ids.Shape.ToArray(), width]), output.Shape, "output must be ids' shape plus the table width");
        var values = ids.AsSpan<int>();
        for (var n = 0; n < values.Length; n++)
        {
            if ((uint)values[n] >= (uint)rows)
                throw new ArgumentOutOfRangeException(nameof(ids), $"{op}: id {values[n]} at position {n} is outside the table's {rows} rows");
        }

        return (rows, width, values.Length);
    }
}
