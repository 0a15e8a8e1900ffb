using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using QRecipe.Plan;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Checkpoints;

/// <summary>The committed files of Data/ (made by Data/make_checkpoints.py) and the numbers torch computed for them.</summary>
internal static class CheckpointData
{
    /// <summary>The tiny DiT the script builds: depth 2, hidden 32, heads 2, patch 2, latent 8, 10 classes.</summary>
    public static readonly ModelSpec TinyDit = new("tiny", Depth: 2, Hidden: 32, Heads: 2, PatchSize: 2, LatentSize: 8, NumClasses: 10);

    private static readonly Lazy<JsonDocument> ExpectedValues =
        new(() => JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Checkpoints", "Data", file);

    /// <summary>The keys torch wrote for a file (or for "file:view"), in its order.</summary>
    public static IReadOnlyList<string> ExpectedKeys(string file) =>
        ExpectedValues.Value.RootElement.GetProperty(file).EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>Checks shape, sums and leading values of every tensor against torch's numbers.</summary>
    public static void AssertMatches(string file, StateDict tensors)
    {
        var expected = ExpectedValues.Value.RootElement.GetProperty(file);
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), tensors.Select(t => t.Name).Order());
        foreach (var property in expected.EnumerateObject())
        {
            var entry = tensors[property.Name];
            var values = entry.ToArray();
            Assert.Equal(property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), entry.Shape);
            double sum = 0, weighted = 0;
            for (int i = 0; i < values.Length; i++)
            {
                sum += values[i];
                weighted += (double)values[i] * (i % 7 + 1);
            }
            AssertClose(property.Value.GetProperty("sum").GetDouble(), sum, property.Name + " sum");
            AssertClose(property.Value.GetProperty("weighted_sum").GetDouble(), weighted, property.Name + " weighted sum");
            var first = property.Value.GetProperty("first").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int i = 0; i < first.Length; i++)
                Assert.Equal((float)first[i], values[i]);
        }
    }

    // Both sums add the same float32 values in float64, only in a different order.
    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)) + 1e-9, $"{what}: expected {expected}, got {actual}");
}
