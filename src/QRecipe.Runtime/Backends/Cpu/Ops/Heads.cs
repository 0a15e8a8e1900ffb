using System;

namespace QRecipe.Runtime.Backends.Cpu.Ops;

/// <summary>Moves attention heads between the token-major layout of the projections ([N, T, channels]) and the
/// head-major layout of the batched products ([N, H, T, hd]), one contiguous run of hd floats at a time.</summary>
internal static unsafe class Heads
{
    /// <summary>heads[n, h, t, :] = tokens[n, t, offset + h·hd .. + hd) for a token row of <paramref name="rowWidth"/> floats.</summary>
    public static void Gather(float* tokens, int rowWidth, int offset, float* heads, int samples, int headCount, int tokenCount, int headDim)
    {
        var bytes = headDim * sizeof(float);
        for (var n = 0; n < samples; n++)
        {
            for (var h = 0; h < headCount; h++)
            {
                for (var t = 0; t < tokenCount; t++)
                {
                    var source = tokens + ((nint)n * tokenCount + t) * rowWidth + offset + h * headDim;
                    var target = heads + (((nint)n * headCount + h) * tokenCount + t) * headDim;
                    Buffer.MemoryCopy(source, target, bytes, bytes);
                }
            }
        }
    }

    /// <summary>tokens[n, t, h·hd .. + hd) = heads[n, h, t, :].</summary>
    public static void Scatter(float* heads, float* tokens, int samples, int headCount, int tokenCount, int headDim)
    {
        var bytes = headDim * sizeof(float);
        var rowWidth = headCount * headDim;
        for (var n = 0; n < samples; n++)
        {
            for (var h = 0; h < headCount; h++)
            {
                for (var t = 0; t < tokenCount; t++)
                {
                    var source = heads + (((nint)n * headCount + h) * tokenCount + t) * headDim;
                    var target = tokens + ((nint)n * tokenCount + t) * rowWidth + h * headDim;
                    Buffer.MemoryCopy(source, target, bytes, bytes);
                }
            }
        }
    }
}
