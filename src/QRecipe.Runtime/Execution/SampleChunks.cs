using System;
using System.Collections.Generic;

namespace QRecipe.Runtime.Execution;

/// <summary>Chunk <paramref name="Index"/> of a run: the samples <paramref name="FirstSample"/> ..
/// FirstSample + Count − 1, stored from position <paramref name="Offset"/> of the run's arrays (in samples).</summary>
public readonly record struct ChunkRange(int Index, int FirstSample, int Offset, int Count);

/// <summary>How a run's samples split into chunks (<see cref="RunSettings.ChunkSize"/>).</summary>
public static class SampleChunks
{
    public static IReadOnlyList<ChunkRange> Of(RunSettings settings)
    {
        var chunks = new List<ChunkRange>();
        var end = settings.FirstSample + settings.Samples;
        for (var first = settings.FirstSample; first < end; first += settings.ChunkSize)
            chunks.Add(new ChunkRange(first / settings.ChunkSize, first, first - settings.FirstSample, Math.Min(settings.ChunkSize, end - first)));
        return chunks;
    }
}
