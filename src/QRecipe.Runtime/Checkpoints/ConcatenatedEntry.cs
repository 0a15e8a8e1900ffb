using System;
using System.Collections.Generic;
using System.Linq;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// Tensors joined along their first dimension, decoded part by part into one destination; this is how the
/// diffusers to_q/to_k/to_v weights become DiT's fused qkv without copying them first (docs/checkpoints.md).
/// </summary>
internal sealed class ConcatenatedEntry : CheckpointEntry
{
    private readonly CheckpointEntry[] _parts;

    private ConcatenatedEntry(string name, CheckpointEntry[] parts, int[] shape)
        : base(name, parts[0].DType, shape)
    {
        _parts = parts;
    }

    /// <summary>Joins parts that agree in dtype and in every dimension but the first.</summary>
    public static ConcatenatedEntry Create(string file, string name, IReadOnlyList<CheckpointEntry> parts)
    {
        var first = parts[0];
        string Parts() => ShortList.Join(", ", parts);
        foreach (var part in parts)
        {
            if (part.Shape.Count == 0 || !CheckpointEntry.SameShape(part.Shape.Skip(1).ToArray(), first.Shape.Skip(1).ToArray()) || part.DType != first.DType)
                throw new CheckpointException(file,
                    $"cannot join {Parts()} into {SafeText.Quote(name)}: they must have the same dtype and agree in all but the first dimension");
        }
        var shape = first.Shape.ToArray();
        var rows = parts.Sum(p => (long)p.Shape[0]);
        if (rows > int.MaxValue || parts.Sum(p => p.ElementCount) > Array.MaxLength)
            throw new CheckpointException(file, $"joining {Parts()} into {SafeText.Quote(name)} gives more elements than one tensor may have ({Array.MaxLength})");
        shape[0] = (int)rows;
        return new ConcatenatedEntry(name, parts.ToArray(), shape);
    }

    internal override CheckpointEntry WithName(string name) => new ConcatenatedEntry(name, _parts, Shape.ToArray());

    internal override (CheckpointEntry Stored, long Element) Source(long element)
    {
        foreach (var part in _parts)
        {
            if (element < part.ElementCount)
                return part.Source(element);
            element -= part.ElementCount;
        }
        throw new ArgumentOutOfRangeException(nameof(element), element, $"'{Name}' has {ElementCount} elements");
    }

    private protected override void CopyToCore(Span<float> destination)
    {
        int start = 0;
        foreach (var part in _parts)
        {
            part.CopyTo(destination.Slice(start, (int)part.ElementCount));
            start += (int)part.ElementCount;
        }
    }
}
