using System;
using System.IO;

namespace QRecipe.Cli.Run.Shards;

/// <summary>The <c>run</c> options of a shard, checked before anything else happens.</summary>
internal static class ShardOptions
{
    /// <summary>The shard <c>--shard</c> names (null without it); null after one line when it is unusable or combined
    /// with an option a shard cannot honour.</summary>
    public static ShardSpec? Check(string? text, int? count, string? noisePath, bool compare, TextWriter error)
    {
        if (text is null)
        {
            if (count is not null)
                error.WriteLine("qrecipe: --shard-count goes with --shard auto");
            return null;
        }
        string? problem;
        if (count is < 1)
            problem = $"--shard-count {count}: at least 1 shard";
        else if (noisePath is not null)
            problem = "--noise gives one run's initial latents; a shard draws each sample's noise from the seed, so it takes no --noise";
        else if (compare)
            problem = "--compare-fp makes a report per run, not per shard; sample the float recipe with the same seed and shards instead (docs/cluster.md)";
        else
            return ShardSpec.Parse(text, count, Environment.GetEnvironmentVariable, out var parseProblem) ?? Fail(parseProblem!, error);
        return Fail(problem, error);
    }

    private static ShardSpec? Fail(string problem, TextWriter error)
    {
        error.WriteLine("qrecipe: " + problem);
        return null;
    }
}
