using System;
using System.IO;
using QRecipe.Plan;
using QRecipe.Runtime.Checkpoints;

namespace QRecipe.Runtime.Tests.Dit;

/// <summary>The tiny DiT and the float64 reference values written by Data/make_dit_reference.py.</summary>
internal static class DitReference
{
    /// <summary>depth 2, hidden 32, 2 heads, patch 2, latent 8 (16 tokens), 10 classes, learned sigma.</summary>
    public static readonly ModelSpec Model = new("custom", Depth: 2, Hidden: 32, Heads: 2, PatchSize: 2, LatentSize: 8, NumClasses: 10);

    public static string WeightsPath => PathOf("tiny_dit.safetensors");

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Dit", "Data", file);

    /// <summary>A reference tensor as float32 values.</summary>
    public static float[] Values(string name)
    {
        using var reference = Checkpoint.Open(PathOf("tiny_dit_reference.safetensors"));
        return reference.Tensors[name].ToArray();
    }

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ in float64.</summary>
    public static double RelativeError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(actual[i] - (double)expected[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(difference / norm);
    }
}
