using System.Collections.Generic;
using System.Linq;

namespace QRecipe.Runtime.Sc.Kernels;

/// <summary>
/// One product's C slices that are too large for the process cache (p ≥ 10), kept from one block of dimensions to the
/// next: a slice whose mask the next block needs again is used as it is (with scrambling off, one slice serves the
/// whole product), and the buffers of masks it no longer needs are rebuilt in place for its new masks. So the product
/// holds at most one block's distinct masks' worth of slices, as <see cref="ScMemoryEstimate"/> counts, instead of
/// leaving every block's slices to the garbage collector.
/// </summary>
public sealed class EnableSliceBuffers
{
    private readonly Dictionary<int, ushort[]> byMask = new();

    /// <summary>A buffer of <paramref name="size"/> entries for each of <paramref name="masks"/> (distinct), and
    /// whether it must be (re)built: false where it already holds that mask's slice.</summary>
    internal (ushort[] Buffer, bool Build)[] Assign(IReadOnlyList<int> masks, int size)
    {
        var wanted = masks.ToHashSet();
        var free = new Stack<ushort[]>();
        foreach (var mask in byMask.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            free.Push(byMask[mask]);
            byMask.Remove(mask);
        }

        var result = new (ushort[], bool)[masks.Count];
        for (var i = 0; i < masks.Count; i++)
        {
            if (byMask.TryGetValue(masks[i], out var held))
            {
                result[i] = (held, false);
                continue;
            }

            var buffer = free.Count > 0 ? free.Pop() : new ushort[size];
            byMask[masks[i]] = buffer;
            result[i] = (buffer, true);
        }

        return result;
    }
}
