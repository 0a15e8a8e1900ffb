using System;
using QRecipe.Runtime.Backends.Cpu.Parallel;
using QRecipe.Runtime.Quantization.Weights;

namespace QRecipe.Runtime.Quantization.Activations;

/// <summary>Dynamic fake-quant of independent groups (tokens, groups, or the one tensor) on the CPU workers: each
/// group's grid and values are computed exactly as the serial path would, so results are bit-identical. A group
/// holding a NaN or infinity is not written and is flagged; the caller then reports the first bad value.</summary>
internal static unsafe class ParallelFakeQuant
{
    private struct Operands
    {
        public float* X;
        public float* Destination;
        public int GroupLength;
        public int Bits;
        public bool Symmetric;
        public int* NonFinite;
    }

    /// <summary>destination = fake-quantized x, group by group (x and destination may be the same memory); false when
    /// some value is not finite.</summary>
    public static bool Run(ReadOnlySpan<float> x, Span<float> destination, int groupLength, int bits, bool symmetric)
    {
        var nonFinite = 0;
        fixed (float* p = x)
        fixed (float* d = destination)
        {
            var operands = new Operands { X = p, Destination = d, GroupLength = groupLength, Bits = bits, Symmetric = symmetric, NonFinite = &nonFinite };
            RangeParallel<Operands>.For(x.Length / groupLength, x.Length, operands, &Groups);
        }
        return nonFinite == 0;
    }

    private static void Groups(in Operands o, int start, int end)
    {
        for (var g = start; g < end; g++)
        {
            var offset = (long)g * o.GroupLength;
            var group = new ReadOnlySpan<float>(o.X + offset, o.GroupLength);
            if (!UniformKernels.MinMax(group, out var min, out var max))
            {
                *o.NonFinite = 1; // every writer stores the same value
                continue;
            }
            UniformKernels.FakeQuantize(group, new Span<float>(o.Destination + offset, o.GroupLength), UniformGrid.QDit(min, max, o.Bits, o.Symmetric));
        }
    }
}
