namespace QRecipe.Cli.Run.Shards;

/// <summary>The chunks a shard owns: N samples make K = ⌈N / chunk⌉ chunks, and shard i of n owns the contiguous
/// chunks ⌊i·K/n⌋ .. ⌊(i+1)·K/n⌋ − 1 (none when n &gt; K and its share rounds to nothing).</summary>
internal readonly record struct ShardChunks(int FirstChunk, int EndChunk, int FirstSample, int EndSample)
{
    public int Count => EndChunk - FirstChunk;

    public int SampleCount => EndSample - FirstSample;

    public static ShardChunks Of(int samples, int chunkSize, ShardSpec shard)
    {
        var chunks = (samples + (long)chunkSize - 1) / chunkSize;
        var first = (int)(chunks * shard.Index / shard.Count);
        var end = (int)(chunks * (shard.Index + 1) / shard.Count);
        return new ShardChunks(first, end, SampleAt(first, chunkSize, samples), SampleAt(end, chunkSize, samples));
    }

    /// <summary>The samples of chunk <paramref name="chunk"/>: its first index and how many.</summary>
    public static (int First, int Count) Samples(int chunk, int chunkSize, int samples)
    {
        var first = SampleAt(chunk, chunkSize, samples);
        return (first, SampleAt(chunk + 1, chunkSize, samples) - first);
    }

    private static int SampleAt(int chunk, int chunkSize, int samples) => (int)System.Math.Min((long)chunk * chunkSize, samples);
}
