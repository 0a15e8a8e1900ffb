using System;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Concatenation and its inverse along one axis, as byte copies (any element type). Seen around the axis, a
/// tensor is [outer, extent·inner]: part p of every outer index is one contiguous run.</summary>
internal static unsafe class Concatenation
{
    /// <summary>Copies each part's run into its place in every outer row of the whole (concat) or back out (split).</summary>
    public static void Copy(byte* whole, long outer, long wholeRowBytes, ReadOnlySpan<nint> parts, ReadOnlySpan<long> partRowBytes, bool intoWhole)
    {
        for (long o = 0; o < outer; o++)
        {
            var offset = 0L;
            for (var p = 0; p < parts.Length; p++)
            {
                var run = partRowBytes[p];
                var wholeRun = whole + o * wholeRowBytes + offset;
                var partRun = (byte*)parts[p] + o * run;
                if (intoWhole)
                    Buffer.MemoryCopy(partRun, wholeRun, run, run);
                else
                    Buffer.MemoryCopy(wholeRun, partRun, run, run);
                offset += run;
            }
        }
    }
}
