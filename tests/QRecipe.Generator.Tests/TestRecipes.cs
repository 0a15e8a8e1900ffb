namespace QRecipe.Generator.Tests;

/// <summary>Small inline recipes for edge cases; the example recipes of recipes/ are read from disk.</summary>
internal static class TestRecipes
{
    public const string Tiny = """
        // A tiny custom model so plans stay small.
        recipe Tiny "tiny custom DiT"

        model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }
        sampler ddim steps 4 cfg 1.5 seed 7

        weights int8 per-channel symmetric
        activations int8 per-token dynamic on all

        sc precision 6 {
          qk, av blocks all stream 64
        }
        """;

    public const string PerHead = """
        recipe PerHeadSmall "per-head and per-group stream lengths"

        model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }
        sampler ddim steps 4

        weights int8 per-channel symmetric
        activations int8 per-token dynamic on all

        sc precision 6 {
          qk, av blocks all stream 64
          qk blocks 1 heads 2..3 stream 32
          av steps last 2 heads 0 off
          fc1 blocks all groups 0..1 of 4 stream 32
        }
        """;

    public const string EmptyOverrides = """
        recipe EmptyOverrides "empty at block and empty sc section"

        model custom { depth 2 hidden 64 heads 4 patch 2 latent 8 classes 10 }
        sampler ddpm steps 3

        weights int8 per-channel symmetric
        at blocks 0 {
        }
        sc precision 8 {
        }
        """;

    /// <summary>Errors on lines 5 (bit width) and 8 (stream longer than 2^precision) and a warning on line 9.</summary>
    public const string Broken = """
        recipe Broken "has errors"

        model dit-s/2
        sampler ddpm steps 10
        weights int9 per-channel symmetric
        activations int8 per-token dynamic on all
        sc precision 4 {
          qk blocks all stream 64
          av blocks all stream 12
        }
        """;
}
