namespace QRecipe.Runtime.Tests;

/// <summary>Tests that count what the shared CPU worker pool allocates run alone: a test of another class running at the
/// same time would use the same workers and its allocations would be counted too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedWorkersCollection
{
    public const string Name = "Shared CPU workers, run alone";
}
